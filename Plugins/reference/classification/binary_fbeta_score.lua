-- Reference: binary F-beta score, (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)
-- with b = beta (required, > 0); zero_division (0 or 1) when tp + fn + fp = 0.
-- Float preds are thresholded (preds > threshold) after a sigmoid when the
-- batch holds a value outside [0, 1] or NaN (logits, decided per batch unless
-- input_format fixes the reading); integer preds are 0/1 labels. Targets equal
-- to ignore_index count nowhere. samplewise: one value per sample over its
-- extra dimensions.
local binary = metric.import("binary")

return metric.define {
  name = "binary_fbeta_score",
  summary = "binary F-beta score (reference)",
  higher_is_better = true,
  options = binary.stat_options({ beta = metric.required("number") }),

  states = function(opt)
    metric.check(opt.beta > 0, "beta", "a number > 0")
    return binary.stat_states(opt)
  end,

  update = binary.stat_update,

  compute = function(s, opt)
    local c = binary.counts(s, opt)
    local fp, fn, tp = binary.column(c, 1), binary.column(c, 2), binary.column(c, 3)
    local b2 = opt.beta ^ 2
    return binary.ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, opt.zero_division):float()
  end,
}
