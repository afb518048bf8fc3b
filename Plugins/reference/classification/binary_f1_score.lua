-- Reference: binary F1 score, 2 tp / (2 tp + fn + fp), the harmonic mean of
-- precision and recall; zero_division (0 or 1) when tp + fn + fp = 0. Float
-- preds are thresholded (preds > threshold) after a sigmoid when the batch
-- holds a value outside [0, 1] or NaN (logits, decided per batch unless
-- input_format fixes the reading); integer preds are 0/1 labels. Targets equal
-- to ignore_index count nowhere. samplewise: one value per sample over its
-- extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_f1_score",
  summary = "binary F1 score (reference)",
  higher_is_better = true,
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local fp, fn, tp = binary.column(c, 1), binary.column(c, 2), binary.column(c, 3)
    return binary.ratio(2 * tp, 2 * tp + fn + fp, opt.zero_division):float()
  end,
}
