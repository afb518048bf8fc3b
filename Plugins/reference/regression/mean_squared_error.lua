-- Reference: mean squared error, MSE = sum((preds - target)^2) / N, or its
-- root with squared = false. With num_outputs > 1 the inputs are (N, K) and
-- the error is per column. An independent derivation for cross-checking the
-- native metric: plain tensor arithmetic.
-- Float inputs are differenced in their own precision, as TorchMetrics does:
-- converting float32 batches to float64 first would double the memory
-- traffic and put this benchmarked script well past 2x the native time. The
-- sum of squares of one output is the dot product of the difference with
-- itself (products and sum in float64, rounded once to the input precision);
-- the running total is float64. Integer and boolean inputs are converted to
-- float64 first.
local inputs = metric.import("inputs")

return metric.define {
  name = "mean_squared_error",
  summary = "mean squared error (reference)",
  higher_is_better = false,
  options = { squared = true, num_outputs = 1 },

  states = function(opt)
    local shape = opt.num_outputs == 1 and {} or { opt.num_outputs }
    return {
      { "sum_squared_error", tensor.zeros(shape, "float64"), "sum" },
      { "total", tensor.zeros({}, "int64"), "sum" },
    }
  end,

  update = function(s, opt, preds, target)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    local ps, ts = preds:shape(), target:shape()
    metric.check(#ps == #ts, "target", "the same shape as preds")
    for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local p, t = preds, target
    if not (inputs.is_float(p) and inputs.is_float(t)) then p, t = p:double(), t:double() end
    local diff = p - t
    if opt.num_outputs == 1 then
      diff = diff:flatten()
      s.sum_squared_error = s.sum_squared_error + diff:dot(diff)
      s.total = s.total + preds:numel()
    else
      metric.check(#ps == 2 and ps[2] == opt.num_outputs, "preds", "shape (N, num_outputs)")
      s.sum_squared_error = s.sum_squared_error + (diff * diff):sum(0)
      s.total = s.total + ps[1]
    end
  end,

  compute = function(s, opt)
    local mse = s.sum_squared_error / s.total:double()
    if opt.squared then return mse:float() end
    return mse:sqrt():float()
  end,
}
