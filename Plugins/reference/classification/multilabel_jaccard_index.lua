-- Reference: multilabel Jaccard index, per label tp / (tp + fp + fn), reduced
-- by average (macro: over every label). ignore_index only drops positions: the
-- TorchMetrics class MultilabelJaccardIndex does not pass it to the reduction
-- (its functional form would also drop the label of that index). preds and
-- target are (N, L, ...); float preds are thresholded (preds > threshold)
-- after a sigmoid when the batch holds a value outside [0, 1] or NaN (unless
-- input_format fixes the reading); integer preds are 0/1 labels. Positions
-- whose target is ignore_index are left out.
-- Reduces per-class intersections `num` and unions `den` by `average`
-- (TorchMetrics' _jaccard_index_reduce): micro sum(num) / sum(den); none
-- num / den per class (0/0 is zero_division); weighted weights by `support`,
-- macro weights 1 the classes in `present` (all when nil); both divide
-- without a guard, as TorchMetrics does (NaN when no class has weight). The
-- class `ignored` (multiclass ignore_index in [0, C)) is left out of the micro
-- denominator and of macro.
local multilabel = metric.import("multilabel")

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
    s.confmat = s.confmat + multilabel.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    local m = s.confmat:double():reshape(opt.num_labels, 4)
    local fp, fn, tp = multilabel.column(m, 1), multilabel.column(m, 2), multilabel.column(m, 3)
    return jaccard(tp, tp + fp + fn, tp + fn, nil, nil, opt)
  end,
}
