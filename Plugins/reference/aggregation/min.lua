-- Reference: the minimum of every value seen. The state starts at +inf, so a
-- run whose values were all dropped as NaN gives +inf. nan_strategy:
-- "error" rejects a batch with NaN, "warn"/"ignore" drop NaN, "disable"
-- keeps it (the result becomes NaN), a number replaces it.
local aggregation = metric.import("aggregation")

return metric.define {
  name = "min",
  summary = "minimum of all values (reference)",
  inputs = { "value" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    aggregation.check_nan_strategy(opt)
    return { { "value", tensor.full({}, math.huge, "float64"), "min" } }
  end,

  update = function(s, opt, value)
    local v = aggregation.values(value, opt)
    if v:numel() == 0 then return end
    s.value = s.value:minimum(v:min())
  end,

  compute = function(s, opt)
    return s.value:float()
  end,
}
