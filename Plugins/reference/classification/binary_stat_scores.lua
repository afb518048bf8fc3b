-- Reference: binary stat scores, [tp, fp, tn, fn, support] with
-- support = tp + fn: int64 [5], or [N, 5] samplewise; all zeros when nothing
-- is counted. Float preds are thresholded (preds > threshold) after a sigmoid
-- when the batch holds a value outside [0, 1] or NaN (logits, decided per
-- batch unless input_format fixes the reading); integer preds are 0/1 labels.
-- Targets equal to ignore_index count nowhere. samplewise: one value per
-- sample over its extra dimensions.
local binary = metric.import("binary")
local statscores = metric.import("statscores")

return metric.define {
  name = "binary_stat_scores",
  summary = "binary [tp, fp, tn, fn, support] (reference)",
  options = binary.stat_options(),
  states = binary.stat_states,
  update = binary.stat_update,

  compute = function(s, opt)
    return statscores.stat_rows(binary.accumulated(s, opt))
  end,
}
