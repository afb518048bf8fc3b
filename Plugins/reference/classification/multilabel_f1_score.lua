-- Reference: multilabel F1 score, 2 tp / (2 tp + fn + fp), the harmonic mean
-- of precision and recall; zero_division (0 or 1) when tp + fn + fp = 0. Per
-- label; micro scores the counts summed over labels; macro is the mean over
-- labels; weighted weights by support tp + fn; none keeps one value per label.
-- preds and target are (N, L, ...); float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (unless input_format fixes the reading); integer preds are 0/1
-- labels. Targets equal to ignore_index count nowhere. samplewise: one value
-- per sample over its extra dimensions.
local multilabel = metric.import("multilabel")

return metric.define {
  name = "multilabel_f1_score",
  summary = "multilabel F1 score (reference)",
  higher_is_better = true,
  options = {
    num_labels = metric.required("int"),
    threshold = 0.5,
    average = metric.optional("string", "macro"),
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
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
    if opt.multidim_average == "samplewise" then return { { "confusion", "cat" } } end
    return { { "confusion", tensor.zeros({ opt.num_labels, 4 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local c = multilabel.confusion(preds, target, opt)
    if opt.multidim_average == "samplewise" then table.insert(s.confusion, c) else s.confusion = s.confusion + c end
  end,

  compute = function(s, opt)
    local c = multilabel.accumulated(s, opt):double()
    if opt.average == "micro" then c = c:sum(-2) end
    local fp, fn, tp = multilabel.column(c, 1), multilabel.column(c, 2), multilabel.column(c, 3)
    return multilabel.average(multilabel.ratio(2 * tp, 2 * tp + fn + fp, opt.zero_division), c, opt):float()
  end,
}
