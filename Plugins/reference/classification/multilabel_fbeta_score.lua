-- Reference: multilabel F-beta score,
-- (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp) with b = beta (required, > 0);
-- zero_division (0 or 1) when tp + fn + fp = 0. Per label; micro scores the
-- counts summed over labels; macro is the mean over labels; weighted weights
-- by support tp + fn; none keeps one value per label. preds and target are
-- (N, L, ...); float preds are thresholded (preds > threshold) after a sigmoid
-- when the batch holds a value outside [0, 1] or NaN (unless input_format
-- fixes the reading); integer preds are 0/1 labels. Targets equal to
-- ignore_index count nowhere. samplewise: one value per sample over its extra
-- dimensions.
local multilabel = metric.import("multilabel")

return metric.define {
  name = "multilabel_fbeta_score",
  summary = "multilabel F-beta score (reference)",
  higher_is_better = true,
  options = multilabel.stat_options({ beta = metric.required("number") }),

  states = function(opt)
    metric.check(opt.beta > 0, "beta", "a number > 0")
    return multilabel.stat_states(opt)
  end,

  update = multilabel.stat_update,

  compute = function(s, opt)
    local c = multilabel.counts(s, opt)
    local fp, fn, tp = multilabel.column(c, 1), multilabel.column(c, 2), multilabel.column(c, 3)
    local b2 = opt.beta ^ 2
    return multilabel.average(multilabel.ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, opt.zero_division), c, opt):float()
  end,
}
