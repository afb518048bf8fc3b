-- Reference: symmetric mean absolute percentage error,
-- SMAPE = 2 * sum(|preds - target| / max(|preds| + |target|, eps)) / N with
-- eps = 1.17e-6 (a pair of zeros contributes 0), between 0 and 2. Any shape
-- (flattened); empty input is rejected; NaN propagates.
local percentage_error = metric.import("percentage_error")

return metric.define {
  name = "symmetric_mean_absolute_percentage_error",
  summary = "symmetric mean absolute percentage error (reference)",
  higher_is_better = false,

  states = percentage_error.states,
  update = percentage_error.update(function(p, t) return p:abs() + t:abs() end, 2),

  compute = function(s, opt)
    return (s.sum_abs_per_error / s.total):float()
  end,
}
