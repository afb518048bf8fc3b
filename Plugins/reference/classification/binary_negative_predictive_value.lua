-- Reference: binary negative predictive value, tn / (tn + fn); 0 when there is
-- no negative prediction (zero_division is accepted but not used: TorchMetrics
-- 1.9's classes do not pass it on). Float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (logits, decided per batch unless input_format fixes the
-- reading); integer preds are 0/1 labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample over its extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_negative_predictive_value",
  summary = "binary negative predictive value (reference)",
  higher_is_better = true,
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local tn, fn = binary.column(c, 0), binary.column(c, 2)
    return binary.ratio(tn, tn + fn):float()
  end,
}
