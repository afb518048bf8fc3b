-- Reference: mean absolute percentage error,
-- MAPE = sum(|preds - target| / max(|target|, eps)) / N with eps = 1.17e-6,
-- so a zero target gives a large finite error. Any shape (flattened);
-- empty input is rejected; NaN propagates.
local inputs = metric.import("inputs")

local eps = 1.17e-6

return metric.define {
  name = "mean_absolute_percentage_error",
  summary = "mean absolute percentage error (reference)",
  higher_is_better = false,

  states = {
    { "sum_abs_per_error", tensor.zeros({}, "float64"), "sum" },
    { "total", tensor.zeros({}, "int64"), "sum" },
  },

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local p, t = preds:double(), target:double()
    local ratio = (p - t):abs() / t:abs():clamp(eps)
    s.sum_abs_per_error = s.sum_abs_per_error + ratio:sum()
    s.total = s.total + ratio:numel()
  end,

  compute = function(s, opt)
    return (s.sum_abs_per_error / s.total):float()
  end,
}
