-- Reference: log-cosh error, mean over rows of log(cosh(preds - target)),
-- evaluated as logsumexp(d, -d) - log 2 so that large |d| does not
-- overflow. Inputs (N) or (N, 1) for one output, (N, num_outputs) otherwise
-- (one value per column). Empty input is rejected; NaN propagates.
local inputs = metric.import("inputs")

return metric.define {
  name = "log_cosh_error",
  summary = "log-cosh error (reference)",
  higher_is_better = false,
  options = { num_outputs = 1 },

  states = function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    return {
      { "sum_log_cosh_error", tensor.zeros(opt.num_outputs == 1 and {} or { opt.num_outputs }, "float64"), "sum" },
      { "total", tensor.zeros({}, "int64"), "sum" },
    }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local shape, k = preds:shape(), opt.num_outputs
    local columns_ok
    if k == 1 then
      columns_ok = #shape == 1 or (#shape == 2 and shape[2] == 1)
    else
      columns_ok = #shape == 2 and shape[2] == k
    end
    metric.check(columns_ok, "preds", k == 1 and "shape (N) or (N, 1)" or "shape (N, num_outputs)")
    local d = preds:double() - target:double()
    local log_cosh = tensor.stack({ d, -d }):logsumexp(0) - math.log(2)
    local per_column = log_cosh:sum(0)
    if k == 1 then per_column = per_column:sum() end
    s.sum_log_cosh_error = s.sum_log_cosh_error + per_column
    s.total = s.total + shape[1]
  end,

  compute = function(s, opt)
    return (s.sum_log_cosh_error / s.total):float()
  end,
}
