-- Reference: the weighted mean of every value seen, sum(w * v) / sum(w),
-- with weight w = 1 when absent (it broadcasts to value's shape).
-- nan_strategy applies to positions where the value or the weight is NaN:
-- "error" rejects, "warn"/"ignore" drop them, "disable" keeps them, a number
-- replaces the value (and gives that position weight 1). Nothing kept at
-- all: 0/0 = NaN.
local aggregation = metric.import("aggregation")

return metric.define {
  name = "mean",
  summary = "weighted mean of all values (reference)",
  inputs = { "value" },
  optional_inputs = { "weight" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    aggregation.check_nan_strategy(opt)
    return {
      { "mean_value", tensor.zeros({}, "float64"), "sum" },
      { "weight", tensor.zeros({}, "float64"), "sum" },
    }
  end,

  update = function(s, opt, value, weight)
    local v, w = aggregation.weighted_values(value, weight, opt)
    if v:numel() == 0 then return end
    s.mean_value = s.mean_value + (v * w):sum()
    s.weight = s.weight + w:sum()
  end,

  compute = function(s, opt)
    return (s.mean_value / s.weight):float()
  end,
}
