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
  options = multilabel.stat_options(),
  states = multilabel.stat_states,
  update = multilabel.stat_update,

  compute = function(s, opt)
    local c = multilabel.counts(s, opt)
    local fp, fn, tp = multilabel.column(c, 1), multilabel.column(c, 2), multilabel.column(c, 3)
    return multilabel.average(multilabel.ratio(2 * tp, 2 * tp + fn + fp, opt.zero_division), c, opt):float()
  end,
}
