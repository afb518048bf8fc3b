-- Reference: per-group stat rates of binary predictions (TorchMetrics'
-- binary_groups_stat_rates): for every group, [tp, fp, tn, fn] divided by the
-- group's number of counted elements, as {group_0 = [4], group_1 = [4], ...};
-- a group without elements gives NaN rates (0/0), as in TorchMetrics.
local fairness = metric.import("fairness")

return metric.define {
  name = "binary_groups_stat_rates",
  summary = "per-group tp/fp/tn/fn rates of binary predictions (reference)",
  inputs = { "preds", "target", "groups" },
  options = {
    num_groups = metric.required("int"),
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },
  states = fairness.group_states,

  update = function(s, opt, preds, target, groups)
    s.counts = s.counts + fairness.group_counts(preds, target, groups, opt, false)
  end,

  compute = function(s, opt)
    local c = s.counts:double()
    -- [tn, fp, fn, tp] columns reordered as TorchMetrics reports them: [tp, fp, tn, fn].
    local ordered = c:index_select(1, { 3, 1, 0, 2 })
    local r = ordered / c:sum(1, true)
    local out = {}
    for i = 0, opt.num_groups - 1 do
      out["group_" .. i] = r:slice(0, i, i + 1):reshape(4):float()
    end
    return out
  end,
}
