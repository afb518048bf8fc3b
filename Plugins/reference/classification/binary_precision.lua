-- Reference: binary precision, tp / (tp + fp); zero_division (0 or 1) when
-- there is no positive prediction. Float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (logits, decided per batch unless input_format fixes the
-- reading); integer preds are 0/1 labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample over its extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_precision",
  summary = "binary precision (reference)",
  higher_is_better = true,
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local fp, tp = binary.column(c, 1), binary.column(c, 3)
    return binary.ratio(tp, tp + fp, opt.zero_division):float()
  end,
}
