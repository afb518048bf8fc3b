-- Reference: binary Hamming distance, 1 - (tp + tn) / (tp + fp + tn + fn), the
-- fraction of wrong predictions; 1 when nothing is counted (zero_division is
-- accepted but not used, as in TorchMetrics 1.9). Float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (logits, decided per batch unless input_format fixes the
-- reading); integer preds are 0/1 labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample over its extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_hamming_distance",
  summary = "binary Hamming distance (reference)",
  higher_is_better = false,
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local tn, fp, fn, tp = binary.column(c, 0), binary.column(c, 1), binary.column(c, 2), binary.column(c, 3)
    return 1 - binary.ratio(tp + tn, tn + fp + fn + tp):float()
  end,
}
