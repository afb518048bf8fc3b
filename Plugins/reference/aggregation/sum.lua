-- Reference: the sum of every value seen. NaN handling (nan_strategy):
-- "error" rejects, "warn"/"ignore" drop NaN, "disable" keeps it, a number
-- replaces it.
local aggregation = metric.import("aggregation")

return metric.define {
  name = "sum",
  summary = "sum of all values (reference)",
  inputs = { "value" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    aggregation.check_nan_strategy(opt)
    return { { "value", tensor.zeros({}, "float64"), "sum" } }
  end,

  update = function(s, opt, value)
    local v = aggregation.values(value, opt)
    s.value = s.value + v:sum()
  end,

  compute = function(s, opt)
    return s.value:float()
  end,
}
