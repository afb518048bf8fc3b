-- Reference: multilabel Jaccard index, per label tp / (tp + fp + fn), reduced
-- by average (macro: over every label). ignore_index only drops positions: the
-- TorchMetrics class MultilabelJaccardIndex does not pass it to the reduction
-- (its functional form would also drop the label of that index). preds and
-- target are (N, L, ...); float preds are thresholded (preds > threshold)
-- after a sigmoid when the batch holds a value outside [0, 1] or NaN (unless
-- input_format fixes the reading); integer preds are 0/1 labels. Positions
-- whose target is ignore_index are left out.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

-- 0/1 predictions and targets of one (N, L, ...) batch as int64, and the
-- mask of positions whose target is not ignore_index (nil without one).
local function binarized(preds, target, opt)
  local L = opt.num_labels
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts, "target", "the same shape as preds")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  metric.check(#ps >= 2 and ps[2] == L, "preds", "shape (N, num_labels, ...)")
  metric.check(opt.multidim_average ~= "samplewise" or #ps >= 3, "preds", "at least 3 dimensions (N, L, ...) for multidim_average='samplewise'")
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  local t, keep = target:long(), nil
  if opt.ignore_index ~= nil then
    keep = t:ne(opt.ignore_index)
    t = tensor.where(keep, t, 0)
  end
  metric.check(within(t, 0, 1), "target", "values 0 or 1 (or ignore_index)")
  local p
  if is_float(preds) then
    metric.check(opt.input_format ~= "labels", "preds", "integer 0/1 labels (input_format='labels')")
    local logits = opt.input_format == "logits"
    if not logits and preds:numel() > 0 then
      -- Clamping to [0, 1] changes exactly the values outside it (NaN never equals itself).
      logits = not preds:clamp(0, 1):eq(preds):all()
      metric.check(not (logits and opt.input_format == "probs"), "preds", "probabilities in [0, 1] without NaN (input_format='probs')")
    end
    p = (logits and preds:sigmoid() or preds):gt(opt.threshold):long()
  else
    p = preds:long()
    metric.check(within(p, 0, 1), "preds", "0/1 labels when preds is an integer tensor")
  end
  return p, t, keep
end

-- Per label 2 x 2 confusion matrices [[tn, fp], [fn, tp]] of one batch
-- (int64 [L, 2, 2]): a bincount of 4 * label + 2 * target + prediction over
-- the positions whose target is not ignore_index.
local function confusion(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = binarized(preds, target, opt)
  local n = p:size(0)
  local inner = n > 0 and p:numel() // (n * L) or 0
  local code = (tensor.arange(L):reshape(1, L, 1) * 4 + t:reshape(n, L, inner) * 2 + p:reshape(n, L, inner)):flatten()
  if keep then code = code:masked_select(keep:flatten()) end
  return code:bincount(nil, 4 * L):reshape(L, 2, 2)
end

local function column(c, i) return c:slice(-1, i, i + 1):squeeze(-1) end
-- Reduces per-class intersections `num` and unions `den` by `average`
-- (TorchMetrics' _jaccard_index_reduce): micro sum(num) / sum(den); none
-- num / den per class (0/0 is zero_division); weighted weights by `support`,
-- macro weights 1 the classes in `present` (all when nil); both divide
-- without a guard, as TorchMetrics does (NaN when no class has weight). The
-- class `ignored` (multiclass ignore_index in [0, C)) is left out of the micro
-- denominator and of macro.
local function jaccard(num, den, support, present, ignored, opt)
  local k = num:size(0)
  local kept = ignored and tensor.arange(k):ne(ignored):double() or tensor.ones({ k }, "float64")
  local avg = opt.average
  if avg == "micro" then
    local total = (den * kept):sum()
    return tensor.where(total:eq(0), opt.zero_division, num:sum() / total):float()
  end
  local score = tensor.where(den:eq(0), opt.zero_division, num / den)
  if avg == nil or avg == "none" or avg == "None" then return score:float() end
  local w = avg == "weighted" and support or (present or tensor.ones({ k }, "float64")) * kept
  return (w * score / w:sum()):sum():float()
end

return metric.define {
  name = "multilabel_jaccard_index",
  summary = "multilabel Jaccard index (reference)",
  higher_is_better = true,
  options = {
    num_labels = metric.required("int"),
    threshold = 0.5,
    average = metric.optional("string", "macro"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    local avg = opt.average
    metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
      "average", "micro, macro, weighted or none")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    return { { "confmat", tensor.zeros({ opt.num_labels, 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    local m = s.confmat:double():reshape(opt.num_labels, 4)
    local fp, fn, tp = column(m, 1), column(m, 2), column(m, 3)
    return jaccard(tp, tp + fp + fn, tp + fn, nil, nil, opt)
  end,
}
