-- Reference: mean absolute percentage error,
-- MAPE = sum(|preds - target| / max(|target|, eps)) / N with eps = 1.17e-6,
-- so a zero target gives a large finite error. Any shape (flattened);
-- empty input is rejected; NaN propagates.
local percentage_error = metric.import("percentage_error")

return metric.define {
  name = "mean_absolute_percentage_error",
  summary = "mean absolute percentage error (reference)",
  higher_is_better = false,

  states = percentage_error.states,
  update = percentage_error.update(function(p, t) return t:abs() end, 1),

  compute = function(s, opt)
    return (s.sum_abs_per_error / s.total):float()
  end,
}
