-- Reference: the sum of every value seen. NaN handling (nan_strategy):
-- "error" rejects, "warn"/"ignore" drop NaN, "disable" keeps it, a number
-- replaces it.
local strategies = { error = true, warn = true, ignore = true, disable = true }

return metric.define {
  name = "sum",
  summary = "sum of all values (reference)",
  inputs = { "value" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    local ns = opt.nan_strategy
    metric.check(strategies[ns] or type(ns) == "number", "nan_strategy",
      "'error', 'warn', 'ignore', 'disable' or a number")
    return { { "value", tensor.zeros({}, "float64"), "sum" } }
  end,

  update = function(s, opt, value)
    local v = value:double():flatten()
    local strategy = opt.nan_strategy
    local nan = v:isnan()
    if strategy == "error" then
      metric.check(not nan:any(), "value", "no NaN values (nan_strategy='error')")
    elseif strategy == "warn" or strategy == "ignore" then
      v = v:masked_select(nan:logical_not())
    elseif type(strategy) == "number" then
      v = tensor.where(nan, tensor.scalar(strategy, "float64"), v)
    end
    s.value = s.value + v:sum()
  end,

  compute = function(s, opt)
    return s.value:float()
  end,
}
