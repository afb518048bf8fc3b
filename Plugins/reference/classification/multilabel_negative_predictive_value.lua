-- Reference: multilabel negative predictive value, tn / (tn + fn); 0 when
-- there is no negative prediction (zero_division is accepted but not used:
-- TorchMetrics 1.9's classes do not pass it on). Per label; micro scores the
-- counts summed over labels; macro is the mean over labels; weighted weights
-- by support tp + fn; none keeps one value per label. preds and target are
-- (N, L, ...); float preds are thresholded (preds > threshold) after a sigmoid
-- when the batch holds a value outside [0, 1] or NaN (unless input_format
-- fixes the reading); integer preds are 0/1 labels. Targets equal to
-- ignore_index count nowhere. samplewise: one value per sample over its extra
-- dimensions.
local multilabel = metric.import("multilabel")

return metric.define {
  name = "multilabel_negative_predictive_value",
  summary = "multilabel negative predictive value (reference)",
  higher_is_better = true,
  options = multilabel.stat_options(),
  states = multilabel.stat_states,
  update = multilabel.stat_update,

  compute = function(s, opt)
    local c = multilabel.counts(s, opt)
    local tn, fn = multilabel.column(c, 0), multilabel.column(c, 2)
    return multilabel.average(multilabel.ratio(tn, tn + fn), c, opt):float()
  end,
}
