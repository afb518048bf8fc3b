-- Reference: the maximum of every value seen. The state starts at -inf, so a
-- run whose values were all dropped as NaN gives -inf. nan_strategy:
-- "error" rejects a batch with NaN, "warn"/"ignore" drop NaN, "disable"
-- keeps it (the result becomes NaN), a number replaces it.
local strategies = { error = true, warn = true, ignore = true, disable = true }

return metric.define {
  name = "max",
  summary = "maximum of all values (reference)",
  inputs = { "value" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    local ns = opt.nan_strategy
    metric.check(strategies[ns] or type(ns) == "number", "nan_strategy",
      "'error', 'warn', 'ignore', 'disable' or a number")
    return { { "value", tensor.full({}, -math.huge, "float64"), "max" } }
  end,

  update = function(s, opt, value)
    local v = value:double():flatten()
    local strategy = opt.nan_strategy
    if strategy ~= "disable" then
      local nan = v:isnan()
      if strategy == "error" then
        metric.check(not nan:any(), "value", "no NaN values (nan_strategy='error')")
      elseif type(strategy) == "number" then
        v = tensor.where(nan, tensor.scalar(strategy, "float64"), v)
      else
        v = v:masked_select(nan:logical_not())
      end
    end
    if v:numel() == 0 then return end
    s.value = s.value:maximum(v:max())
  end,

  compute = function(s, opt)
    return s.value:float()
  end,
}
