-- Reference: multilabel LogAUC (TorchMetrics' multilabel_logauc): the LogAUC of
-- every label's ROC curve (see binary_logauc), per label with average=None
-- (the default) or the mean of the labels whose score is not NaN (macro).
local curves = metric.import("curves")

-- LogAUC of one ROC curve (TorchMetrics' _binary_logauc_compute).

-- fpr_range: [low, high] with 0 < low < high <= 1 (TorchMetrics also takes
-- low = 0, where log10 makes the area NaN; the native metric refuses it).
local function check_range(opt)
  local r = opt.fpr_range
  metric.check(#r == 2 and r[1] > 0 and r[1] < r[2] and r[2] <= 1, "fpr_range", "[low, high] with 0 < low < high <= 1")
end

-- The curve gets the two bounds as extra points (their tpr interpolated);
-- fpr and tpr are then sorted independently, fpr goes to log10, and the
-- trapezoidal area between the last occurrences of log10(low) and
-- log10(high) is divided by the width of that interval. Under two points: 0.
local function logauc(fpr, tpr, range)
  if fpr:numel() < 2 then return tensor.zeros({}, "float64") end
  local bounds = tensor.new(range, "float32")
  local y = tensor.cat({ tpr, curves.torch_interp(bounds, fpr, tpr) }):sort(0)
  local x = tensor.cat({ fpr, bounds }):sort(0)
  x = x:log10()
  local lb = bounds:log10()
  local function last(i)
    local hits = x:eq(lb:slice(0, i, i + 1)):nonzero():reshape(-1)
    return hits:slice(0, hits:numel() - 1):item()
  end
  local lo, hi = last(0), last(1)
  local width = (lb:slice(0, 1, 2) - lb:slice(0, 0, 1)):double():reshape({})
  return curves.trapz(x:slice(0, lo, hi + 1), y:slice(0, lo, hi + 1)) / width
end

-- Per-column scores: none keeps them, macro averages those that are not NaN.
local function reduce_logauc(scores, average)
  if average == nil or average == "none" or average == "None" then return scores:float() end
  return scores:masked_select(scores:isnan():logical_not()):mean():float()
end

return metric.define {
  name = "multilabel_logauc",
  summary = "LogAUC of every label of multilabel scores (reference)",
  higher_is_better = true,
  options = {
    num_labels = metric.required("int"), fpr_range = { 0.001, 0.1 }, average = metric.optional("any"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    check_range(opt)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    local a = opt.average
    metric.check(a == nil or a == "macro" or a == "none" or a == "None", "average", "one of macro, none")
    curves.append(s, curves.multilabel_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    check_range(opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_labels
    local scores = {}
    for c = 0, k - 1 do
      local cs, ct = curves.column("multilabel", p, t, c, k)
      local roc = curves.roc_curve(cs, ct, thr)
      scores[c + 1] = logauc(roc[1], roc[2], opt.fpr_range)
    end
    return reduce_logauc(tensor.stack(scores), opt.average)
  end,
}
