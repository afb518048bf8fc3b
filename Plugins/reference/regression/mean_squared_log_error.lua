-- Reference: mean squared log error,
-- MSLE = sum((log(1 + preds) - log(1 + target))^2) / N. Any shape
-- (flattened). Values below -1 have no logarithm and are rejected (as the
-- native metric does; TorchMetrics would return NaN); exactly -1 gives an
-- infinite error. Empty input is rejected; NaN propagates.
local inputs = metric.import("inputs")

return metric.define {
  name = "mean_squared_log_error",
  summary = "mean squared log error (reference)",
  higher_is_better = false,

  states = {
    { "sum_squared_log_error", tensor.zeros({}, "float64"), "sum" },
    { "total", tensor.zeros({}, "int64"), "sum" },
  },

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local p, t = preds:double(), target:double()
    metric.check(not p:lt(-1):any(), "preds", "values >= -1 (log(1 + x) is undefined below)")
    metric.check(not t:lt(-1):any(), "target", "values >= -1 (log(1 + x) is undefined below)")
    local d = p:log1p() - t:log1p()
    s.sum_squared_log_error = s.sum_squared_log_error + (d * d):sum()
    s.total = s.total + d:numel()
  end,

  compute = function(s, opt)
    return (s.sum_squared_log_error / s.total):float()
  end,
}
