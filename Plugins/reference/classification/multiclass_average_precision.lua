-- Reference: one-vs-rest average precision of multiclass scores
-- (TorchMetrics' multiclass_average_precision): each class's
-- -sum((R[i+1] - R[i]) * P[i]), reduced by average: macro (default), weighted
-- by each class's number of targets, none per class. Exact mode: a class
-- without targets is NaN (left out of macro/weighted); binned: NaN as 0.
local curves = metric.import("curves")

-- AP = -sum((R[i+1] - R[i]) * P[i]) over a precision-recall curve; NaN
-- counts as 0 when `zero_nan` (binned and pooled curves), else propagates
-- (an exact per-class curve of a class without targets is NaN).
local function ap(pr, zero_nan)
  local precision, recall = pr[1]:double(), pr[2]:double()
  if zero_nan then precision, recall = precision:nan_to_num(0), recall:nan_to_num(0) end
  local n = recall:numel()
  return -((recall:slice(0, 1) - recall:slice(0, 0, n - 1)) * precision:slice(0, 0, n - 1)):sum()
end

-- One column's AP (float64) and its number of positives.
local function column_score(s, y, thr, zero)
  local pr, pos = curves.pr_curve(s, y, thr, zero)
  return ap(pr, thr ~= nil), pos
end

return metric.define {
  name = "multiclass_average_precision",
  summary = "one-vs-rest average precision of multiclass scores (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"), average = metric.optional("any", "macro"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local a = opt.average
    metric.check(a == nil or a == "macro" or a == "weighted" or a == "none" or a == "None", "average", "one of macro, weighted, none")
    curves.append(s, curves.multiclass_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_classes
    local scores, weights = {}, {}
    for c = 0, k - 1 do
      local cs, ct, zero = curves.column("multiclass", p, t, c, k)
      scores[c + 1], weights[c + 1] = column_score(cs, ct, thr, zero)
    end
    return curves.reduce(tensor.stack(scores), tensor.new(weights, "float64"), opt.average)
  end,
}
