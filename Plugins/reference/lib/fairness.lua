-- Machinery shared by the reference group fairness metrics (binary_fairness,
-- binary_groups_stat_rates): per-group [tn, fp, fn, tp] counts of a batch
-- of binary predictions, and the count state. Each script keeps the
-- formula of its own metric.
local inputs = metric.import("inputs")
local same_shape, INTEGER, FLOAT = inputs.same_shape, inputs.INTEGER, inputs.FLOAT

-- Per-group confusion counts of one batch, int64 [num_groups, 4] with columns
-- [tn, fp, fn, tp]: a float prediction is positive when its probability
-- (sigmoid when the batch holds a value outside [0, 1], or always with
-- input_format='logits') is > threshold, an integer one when it is 1; every
-- element of sample i belongs to group groups[i]; targets equal to
-- ignore_index count nowhere. zero_target: the target is all zeros (not read).
local function group_counts(preds, target, groups, opt, zero_target)
  local g = opt.num_groups
  local t = zero_target and tensor.zeros(preds:shape(), "int64") or target
  metric.check(same_shape(preds, t), "target", "the same shape as preds")
  local n = preds:dim() == 0 and 1 or preds:shape()[1]
  metric.check(INTEGER[groups:dtype()], "groups", "an integer tensor of group ids")
  metric.check(groups:dim() >= 1 and groups:numel() == n and groups:shape()[1] == n, "groups", "one group id per sample, shape (N,)")
  local ids = groups:flatten():long()
  metric.check(ids:ge(0):logical_and(ids:lt(g)):all(), "groups", "group ids in [0, num_groups)")
  t = t:flatten()
  if FLOAT[t:dtype()] then metric.check(t:eq(t:floor()):all(), "target", "0/1 labels, found non-integral values") end
  t = t:long()
  local binary = t:eq(0):logical_or(t:eq(1))
  local keep = nil
  if opt.ignore_index ~= nil then
    keep = t:ne(opt.ignore_index)
    metric.check(binary:logical_or(keep:logical_not()):all(), "target", "values 0, 1 or ignore_index")
  else
    metric.check(binary:all(), "target", "values 0 or 1")
  end
  local p = preds:flatten()
  local positive
  if FLOAT[p:dtype()] then
    metric.check(not p:isnan():any(), "preds", "no NaN scores")
    local outside = p:lt(0):any() or p:gt(1):any()
    if opt.input_format == "probs" then
      metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
    elseif opt.input_format == "logits" or outside then
      p = p:sigmoid()
    end
    positive = p:gt(opt.threshold):long()
  else
    p = p:long()
    metric.check(p:eq(0):logical_or(p:eq(1)):all(), "preds", "0/1 labels when preds is an integer tensor")
    positive = p
  end
  if n == 0 then return tensor.zeros({ g, 4 }, "int64") end
  local element_group = (ids:reshape(n, 1) + tensor.zeros({ n, p:numel() // n }, "int64")):flatten()
  local cell = element_group * 4 + t * 2 + positive
  if keep then cell = cell:masked_select(keep) end
  return cell:bincount(nil, 4 * g):reshape(g, 4)
end

-- One int64 [num_groups, 4] count state, after checking the options.
local function group_states(opt)
  metric.check(opt.num_groups >= 1, "num_groups", "an integer >= 1")
  metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
  return { { "counts", tensor.zeros({ opt.num_groups, 4 }, "int64"), "sum" } }
end

return {
  group_counts = group_counts, group_states = group_states,
}
