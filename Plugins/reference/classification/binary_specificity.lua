-- Reference: binary specificity, tn / (tn + fp); 0 when there is no negative
-- target (zero_division is accepted but not used, as in TorchMetrics 1.9).
-- Float preds are thresholded (preds > threshold) after a sigmoid when the
-- batch holds a value outside [0, 1] or NaN (logits, decided per batch unless
-- input_format fixes the reading); integer preds are 0/1 labels. Targets equal
-- to ignore_index count nowhere. samplewise: one value per sample over its
-- extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_specificity",
  summary = "binary specificity (reference)",
  higher_is_better = true,
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local tn, fp = binary.column(c, 0), binary.column(c, 1)
    return binary.ratio(tn, tn + fp):float()
  end,
}
