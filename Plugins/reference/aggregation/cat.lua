-- Reference: every value seen, joined along the first axis (a scalar counts
-- as one element). nan_strategy: "error" rejects a batch with NaN,
-- "warn"/"ignore" drop NaN (a batch that had any is flattened, as boolean
-- indexing does), "disable" keeps it, a number replaces it. Nothing kept:
-- an empty [0] tensor. Batches must agree on everything but the first axis.
local aggregation = metric.import("aggregation")

local function trailing(t)
  local shape = t:shape()
  table.remove(shape, 1)
  return table.concat(shape, "x")
end

return metric.define {
  name = "cat",
  summary = "concatenation of all values (reference)",
  inputs = { "value" },
  options = { nan_strategy = metric.optional("any", "warn") },

  states = function(opt)
    aggregation.check_nan_strategy(opt)
    return { { "value", "cat" } }
  end,

  update = function(s, opt, value)
    local v = value:float()
    local strategy = opt.nan_strategy
    if strategy ~= "disable" then
      local nan = v:isnan()
      if nan:any() then
        metric.check(strategy ~= "error", "value", "no NaN values (nan_strategy='error')")
        if type(strategy) == "number" then
          v = tensor.where(nan, tensor.scalar(strategy, "float32"), v)
        else
          v = v:masked_select(nan:logical_not())
        end
      end
    end
    if v:numel() == 0 then return end
    if v:dim() == 0 then v = v:reshape({ 1 }) end
    table.insert(s.value, v)
  end,

  compute = function(s, opt)
    if #s.value == 0 then return tensor.zeros({ 0 }, "float32") end
    local first = trailing(s.value[1])
    for i = 2, #s.value do
      metric.check(trailing(s.value[i]) == first, "value", "batches with the same trailing shape (" .. first .. ")")
    end
    return tensor.cat(s.value, 0)
  end,
}
