-- Reference: multiclass Jaccard index, per class tp / (tp + fp + fn) from the
-- C x C confusion matrix, reduced by average (macro: over the classes present
-- in preds or target). Predictions are the argmax of (N, C, ...) scores (NaN
-- counts as the largest) or (N, ...) integer labels. Positions whose target is
-- ignore_index are left out.
-- Reduces per-class intersections `num` and unions `den` by `average`
-- (TorchMetrics' _jaccard_index_reduce): micro sum(num) / sum(den); none
-- num / den per class (0/0 is zero_division); weighted weights by `support`,
-- macro weights 1 the classes in `present` (all when nil); both divide
-- without a guard, as TorchMetrics does (NaN when no class has weight). The
-- class `ignored` (multiclass ignore_index in [0, C)) is left out of the micro
-- denominator and of macro.
local multiclass = metric.import("multiclass")

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
  name = "multiclass_jaccard_index",
  summary = "multiclass Jaccard index (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    average = metric.optional("string", "macro"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local avg = opt.average
    metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
      "average", "micro, macro, weighted or none")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + multiclass.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    local m, k = s.confmat:double(), opt.num_classes
    local t, p = m:sum(1), m:sum(0)
    local tp = m:flatten():index_select(0, tensor.arange(0, k * k, k + 1))
    local ii = opt.ignore_index
    local ignored = ii ~= nil and ii >= 0 and ii < k and ii or nil
    return jaccard(tp, t + p - tp, t, (t + p):gt(0):double(), ignored, opt)
  end,
}
