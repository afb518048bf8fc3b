-- Reference: multilabel specificity, tn / (tn + fp); 0 when there is no
-- negative target (zero_division is accepted but not used, as in TorchMetrics
-- 1.9). Per label; micro scores the counts summed over labels; macro is the
-- mean over labels; weighted weights by support tp + fn; none keeps one value
-- per label. preds and target are (N, L, ...); float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (unless input_format fixes the reading); integer preds are 0/1
-- labels. Targets equal to ignore_index count nowhere. samplewise: one value
-- per sample over its extra dimensions.
local multilabel = metric.import("multilabel")

return metric.define {
  name = "multilabel_specificity",
  summary = "multilabel specificity (reference)",
  higher_is_better = true,
  options = multilabel.stat_options(),
  states = multilabel.stat_states,
  update = multilabel.stat_update,

  compute = function(s, opt)
    local c = multilabel.counts(s, opt)
    local tn, fp = multilabel.column(c, 0), multilabel.column(c, 1)
    return multilabel.average(multilabel.ratio(tn, tn + fp), c, opt):float()
  end,
}
