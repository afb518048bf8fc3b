-- Machinery shared by the reference aggregation scripts (sum, max, min,
-- mean, cat, running_sum, running_mean): the nan_strategy option check and
-- NaN handling, the weights of the weighted means, and the ring slot of the
-- running metrics. Each script keeps the formula of its own metric.

local strategies = { error = true, warn = true, ignore = true, disable = true }

-- Checks nan_strategy: 'error', 'warn', 'ignore', 'disable' or a number.
local function check_nan_strategy(opt)
  local ns = opt.nan_strategy
  metric.check(strategies[ns] or type(ns) == "number", "nan_strategy",
    "'error', 'warn', 'ignore', 'disable' or a number")
end

-- The batch's values as flat float64 after nan_strategy: "error" rejects a
-- batch with NaN, "warn"/"ignore" drop NaN, "disable" keeps it, a number
-- replaces it.
local function values(value, opt)
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
  return v
end

-- Whether `small` broadcasts to exactly `big` (NumPy rules, aligned at the end).
local function broadcasts_to(small, big)
  if #small > #big then return false end
  for i = 1, #small do
    local s, b = small[#small - i + 1], big[#big - i + 1]
    if s ~= b and s ~= 1 then return false end
  end
  return true
end

-- The batch's values v and weights w (float64, w = 1 when absent, else
-- broadcast to value's shape) after nan_strategy, which applies to positions
-- where the value or the weight is NaN: "error" rejects, "warn"/"ignore"
-- drop them (v and w become flat), "disable" keeps them, a number replaces
-- the value and gives that position weight 1.
local function weighted_values(value, weight, opt)
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
  return v, w
end

-- The running metrics' ring: a bool [window] mask of the slot the current
-- batch fills, slot updates % window (s.updates counts the batches seen).
local function ring_slot(s, opt)
  return tensor.arange(opt.window):eq(s.updates:item() % opt.window)
end

return {
  check_nan_strategy = check_nan_strategy, values = values, weighted_values = weighted_values, ring_slot = ring_slot,
}
