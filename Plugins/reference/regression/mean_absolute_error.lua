-- Reference: mean absolute error, MAE = sum(|preds - target|) / N. With
-- num_outputs > 1 the inputs are (N, num_outputs) and there is one MAE per
-- column; with one output any shape is flattened. Empty input is rejected;
-- NaN propagates.
local inputs = metric.import("inputs")

return metric.define {
  name = "mean_absolute_error",
  summary = "mean absolute error (reference)",
  higher_is_better = false,
  options = { num_outputs = 1 },

  states = function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    return {
      { "sum_abs_error", tensor.zeros(opt.num_outputs == 1 and {} or { opt.num_outputs }, "float64"), "sum" },
      { "total", tensor.zeros({}, "int64"), "sum" },
    }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local err = (preds:double() - target:double()):abs()
    if opt.num_outputs == 1 then
      s.sum_abs_error = s.sum_abs_error + err:sum()
      s.total = s.total + err:numel()
    else
      local shape = preds:shape()
      metric.check(#shape == 2 and shape[2] == opt.num_outputs, "preds", "shape (N, num_outputs)")
      s.sum_abs_error = s.sum_abs_error + err:sum(0)
      s.total = s.total + shape[1]
    end
  end,

  compute = function(s, opt)
    return (s.sum_abs_error / s.total):float()
  end,
}
