-- Reference: the sum of the values of the last `window` updates
-- (TorchMetrics' RunningSum: a ring of `window` batch sums, slot
-- updates % window holds the latest). NaN handling by nan_strategy as for
-- `sum`; a batch left empty fills its slot with 0. Merging instances adds
-- their rings slot by slot, as a sync of the per-slot states does.
local aggregation = metric.import("aggregation")

return metric.define {
  name = "running_sum",
  summary = "sum over the last `window` updates (reference)",
  inputs = { "value" },
  full_state_update = true,
  options = { window = 5, nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    aggregation.check_nan_strategy(opt)
    metric.check(opt.window >= 1, "window", "an integer >= 1")
    return {
      { "value", tensor.zeros({ opt.window }, "float64"), "sum" },
      { "updates", tensor.zeros({}, "int64"), "max" },
    }
  end,

  update = function(s, opt, value)
    local v = aggregation.values(value, opt)
    local slot = aggregation.ring_slot(s, opt)
    s.value = tensor.where(slot, v:sum(), s.value)
    s.updates = s.updates + 1
  end,

  compute = function(s, opt)
    return s.value:sum():float()
  end,
}
