-- Reference: the weighted mean of the values of the last `window` updates
-- (TorchMetrics' RunningMean: a ring of `window` slots, each holding one
-- batch's sum(w * v) and sum(w); the value is the ratio of the slot totals).
-- Weight and NaN handling as for `mean`; a batch left empty fills its slot
-- with zeros. Merging instances adds their rings slot by slot, as a sync of
-- the per-slot states does. No weight in the window: 0/0 = NaN.
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
  name = "running_mean",
  summary = "mean over the last `window` updates (reference)",
  inputs = { "value" },
  optional_inputs = { "weight" },
  full_state_update = true,
  options = { window = 5, nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    local ns = opt.nan_strategy
    metric.check(strategies[ns] or type(ns) == "number", "nan_strategy",
      "'error', 'warn', 'ignore', 'disable' or a number")
    metric.check(opt.window >= 1, "window", "an integer >= 1")
    return {
      { "value", tensor.zeros({ opt.window }, "float64"), "sum" },
      { "weight", tensor.zeros({ opt.window }, "float64"), "sum" },
      { "updates", tensor.zeros({}, "int64"), "max" },
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
    local seen = s.updates:item()
    local slot = tensor.arange(opt.window):eq(seen % opt.window)
    s.value = tensor.where(slot, (v * w):sum(), s.value)
    s.weight = tensor.where(slot, w:sum(), s.weight)
    s.updates = s.updates + 1
  end,

  compute = function(s, opt)
    return (s.value:sum() / s.weight:sum()):float()
  end,
}
