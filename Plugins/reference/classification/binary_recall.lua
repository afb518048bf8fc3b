-- Reference: binary recall, tp / (tp + fn); zero_division (0 or 1) when there
-- is no positive target. Float preds are thresholded (preds > threshold) after
-- a sigmoid when the batch holds a value outside [0, 1] or NaN (logits,
-- decided per batch unless input_format fixes the reading); integer preds are
-- 0/1 labels. Targets equal to ignore_index count nowhere. samplewise: one
-- value per sample over its extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_recall",
  summary = "binary recall (reference)",
  higher_is_better = true,
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local fn, tp = binary.column(c, 2), binary.column(c, 3)
    return binary.ratio(tp, tp + fn, opt.zero_division):float()
  end,
}
