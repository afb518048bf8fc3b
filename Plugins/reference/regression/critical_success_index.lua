-- Reference: critical success index (threat score),
-- CSI = hits / (hits + misses + false_alarms), where a value >= threshold is
-- an event (compared in the input's own precision, as PyTorch compares a
-- tensor with a Python float): hits are events in preds and target, misses
-- in target only, false alarms in preds only. No event at all: 0 (0/0 is
-- taken as 0). NaN is never an event.
-- keep_sequence_dim = k keeps dimension k apart: one CSI per position along
-- it, positions of successive batches concatenated.
local inputs = metric.import("inputs")

-- Sums of a bool tensor over every dimension but `dim` (0-based), as int64 [size of dim].
local function per_position(mask, dim)
  local order = { dim }
  for d = 0, mask:dim() - 1 do if d ~= dim then table.insert(order, d) end end
  return mask:long():permute(order):reshape({ mask:size(dim), -1 }):sum(1)
end

return metric.define {
  name = "critical_success_index",
  summary = "critical success index (reference)",
  higher_is_better = true,
  options = { threshold = metric.required("number"), keep_sequence_dim = metric.optional("int") },

  states = function(opt)
    if opt.keep_sequence_dim == nil then
      return {
        { "hits", tensor.zeros({}, "int64"), "sum" },
        { "misses", tensor.zeros({}, "int64"), "sum" },
        { "false_alarms", tensor.zeros({}, "int64"), "sum" },
      }
    end
    metric.check(opt.keep_sequence_dim >= 0, "keep_sequence_dim", "a non-negative dimension index")
    return { { "hits_list", "cat" }, { "misses_list", "cat" }, { "false_alarms_list", "cat" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local predicted, observed = preds:ge(opt.threshold), target:ge(opt.threshold)
    local hits = predicted:logical_and(observed)
    local misses = observed:logical_and(predicted:logical_not())
    local false_alarms = predicted:logical_and(observed:logical_not())
    local k = opt.keep_sequence_dim
    if k == nil then
      s.hits = s.hits + hits:count_nonzero()
      s.misses = s.misses + misses:count_nonzero()
      s.false_alarms = s.false_alarms + false_alarms:count_nonzero()
    else
      metric.check(k < preds:dim(), "preds", "more than keep_sequence_dim dimensions")
      table.insert(s.hits_list, per_position(hits, k))
      table.insert(s.misses_list, per_position(misses, k))
      table.insert(s.false_alarms_list, per_position(false_alarms, k))
    end
  end,

  compute = function(s, opt)
    local h, m, f
    if opt.keep_sequence_dim == nil then
      h, m, f = s.hits, s.misses, s.false_alarms
    else
      if #s.hits_list == 0 then return tensor.zeros({ 0 }, "float32") end
      h, m, f = tensor.cat(s.hits_list), tensor.cat(s.misses_list), tensor.cat(s.false_alarms_list)
    end
    local events = h + m + f
    return tensor.where(events:eq(0), 0.0, h:double() / events:double()):float()
  end,
}
