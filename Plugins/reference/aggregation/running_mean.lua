-- Reference: the weighted mean of the values of the last `window` updates
-- (TorchMetrics' RunningMean: a ring of `window` slots, each holding one
-- batch's sum(w * v) and sum(w); the value is the ratio of the slot totals).
-- Weight and NaN handling as for `mean`; a batch left empty fills its slot
-- with zeros. Merging instances adds their rings slot by slot, as a sync of
-- the per-slot states does. No weight in the window: 0/0 = NaN.
local aggregation = metric.import("aggregation")

return metric.define {
  name = "running_mean",
  summary = "mean over the last `window` updates (reference)",
  inputs = { "value" },
  optional_inputs = { "weight" },
  full_state_update = true,
  options = { window = 5, nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    aggregation.check_nan_strategy(opt)
    metric.check(opt.window >= 1, "window", "an integer >= 1")
    return {
      { "value", tensor.zeros({ opt.window }, "float64"), "sum" },
      { "weight", tensor.zeros({ opt.window }, "float64"), "sum" },
      { "updates", tensor.zeros({}, "int64"), "max" },
    }
  end,

  update = function(s, opt, value, weight)
    local v, w = aggregation.weighted_values(value, weight, opt)
    local slot = aggregation.ring_slot(s, opt)
    s.value = tensor.where(slot, (v * w):sum(), s.value)
    s.weight = tensor.where(slot, w:sum(), s.weight)
    s.updates = s.updates + 1
  end,

  compute = function(s, opt)
    return (s.value:sum() / s.weight:sum()):float()
  end,
}
