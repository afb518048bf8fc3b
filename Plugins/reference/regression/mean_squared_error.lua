-- Reference: mean squared error, MSE = sum((preds - target)^2) / N, or its
-- root with squared = false. With num_outputs > 1 the inputs are (N, K) and
-- the error is per column. An independent derivation for cross-checking the
-- native metric: plain tensor arithmetic, no fused kernels.
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
    -- The difference and its square stay in the inputs' precision (float32
    -- for float32 inputs); the sum accumulates in float64.
    local diff = preds - target
    if opt.num_outputs == 1 then
      s.sum_squared_error = s.sum_squared_error + (diff * diff):sum():double()
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
