-- Reference: the weighted mean of every value seen, sum(w * v) / sum(w),
-- with weight w = 1 when absent (it broadcasts to value's shape).
-- nan_strategy applies to positions where the value or the weight is NaN:
-- "error" rejects, "warn"/"ignore" drop them, "disable" keeps them, a number
-- replaces the value (and gives that position weight 1). Nothing kept at
-- all: 0/0 = NaN.
local strategies = { error = true, warn = true, ignore = true, disable = true }

-- Whether `small` broadcasts to exactly `big` (NumPy rules, aligned at the end).
local function broadcasts_to(small, big)
  if #small > #big then return false end
  for i = 1, #small do
    local s, b = small[#small - i + 1], big[#big - i + 1]
    if s ~= b and s ~= 1 then return false end
  end
  return true
end

return metric.define {
  name = "mean",
  summary = "weighted mean of all values (reference)",
  inputs = { "value" },
  optional_inputs = { "weight" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    local ns = opt.nan_strategy
    metric.check(strategies[ns] or type(ns) == "number", "nan_strategy",
      "'error', 'warn', 'ignore', 'disable' or a number")
    return {
      { "mean_value", tensor.zeros({}, "float64"), "sum" },
      { "weight", tensor.zeros({}, "float64"), "sum" },
    }
  end,

  update = function(s, opt, value, weight)
    local v = value:double()
    local w
    if weight == nil then
      w = tensor.ones_like(v)
    else
      metric.check(broadcasts_to(weight:shape(), v:shape()), "weight", "a shape that broadcasts to value's shape")
      w = tensor.zeros_like(v) + weight:double()
    end
    local strategy = opt.nan_strategy
    if strategy ~= "disable" then
      local nan = v:isnan():logical_or(w:isnan())
      if nan:any() then
        if strategy == "error" then
          metric.check(false, w:isnan():any() and "weight" or "value", "no NaN values (nan_strategy='error')")
        elseif type(strategy) == "number" then
          v = tensor.where(nan, tensor.scalar(strategy, "float64"), v)
          w = tensor.where(nan, tensor.scalar(1.0, "float64"), w)
        else
          local keep = nan:logical_not()
          v, w = v:masked_select(keep), w:masked_select(keep)
        end
      end
    end
    if v:numel() == 0 then return end
    s.mean_value = s.mean_value + (v * w):sum()
    s.weight = s.weight + w:sum()
  end,

  compute = function(s, opt)
    return (s.mean_value / s.weight):float()
  end,
}
