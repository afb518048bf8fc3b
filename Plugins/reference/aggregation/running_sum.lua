-- Reference: the sum of the values of the last `window` updates
-- (TorchMetrics' RunningSum: a ring of `window` batch sums, slot
-- updates % window holds the latest). NaN handling by nan_strategy as for
-- `sum`; a batch left empty fills its slot with 0. Merging instances adds
-- their rings slot by slot, as a sync of the per-slot states does.
local strategies = { error = true, warn = true, ignore = true, disable = true }

return metric.define {
  name = "running_sum",
  summary = "sum over the last `window` updates (reference)",
  inputs = { "value" },
  full_state_update = true,
  options = { window = 5, nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    local ns = opt.nan_strategy
    metric.check(strategies[ns] or type(ns) == "number", "nan_strategy",
      "'error', 'warn', 'ignore', 'disable' or a number")
    metric.check(opt.window >= 1, "window", "an integer >= 1")
    return {
      { "value", tensor.zeros({ opt.window }, "float64"), "sum" },
      { "updates", tensor.zeros({}, "int64"), "max" },
    }
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
    local seen = s.updates:item()
    local slot = tensor.arange(opt.window):eq(seen % opt.window)
    s.value = tensor.where(slot, v:sum(), s.value)
    s.updates = s.updates + 1
  end,

  compute = function(s, opt)
    return s.value:sum():float()
  end,
}
