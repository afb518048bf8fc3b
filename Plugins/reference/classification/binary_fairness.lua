-- Reference: group fairness of binary predictions (TorchMetrics'
-- binary_fairness): the ratio of the lowest to the highest per-group rate,
-- keyed "<name>_<argmin group>_<argmax group>" (first group on ties).
-- demographic_parity: positive prediction rates (tp + fp) / n, key DP (the
-- target is not read: all zeros, as in TorchMetrics); equal_opportunity: true
-- positive rates tp / (tp + fn), key EO; all: both. 0/0 is 0 for the rates
-- and the ratio.
-- num / den elementwise, 0 where den is 0.
local fairness = metric.import("fairness")

local function safe_ratio(num, den)
  return tensor.where(den:eq(0), 0, num / tensor.where(den:eq(0), 1, den))
end

local function min_over_max(name, rates, out)
  local lo, hi = rates:argmin():item(), rates:argmax():item()
  local ratio = safe_ratio(rates:index_select(0, { lo }), rates:index_select(0, { hi }))
  out[name .. "_" .. lo .. "_" .. hi] = ratio:reshape({}):float()
end

return metric.define {
  name = "binary_fairness",
  summary = "demographic parity and equal opportunity ratios over groups (reference)",
  higher_is_better = false,
  inputs = { "preds", "target", "groups" },
  options = {
    num_groups = metric.required("int"),
    task = metric.choice({ "demographic_parity", "equal_opportunity", "all" }, "all"),
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },
  states = fairness.group_states,

  update = function(s, opt, preds, target, groups)
    s.counts = s.counts + fairness.group_counts(preds, target, groups, opt, opt.task == "demographic_parity")
  end,

  compute = function(s, opt)
    local c = s.counts:double()
    local function col(i) return c:slice(1, i, i + 1):reshape(-1) end
    local tn, fp, fn, tp = col(0), col(1), col(2), col(3)
    local out = {}
    if opt.task ~= "equal_opportunity" then min_over_max("DP", safe_ratio(tp + fp, tn + fp + fn + tp), out) end
    if opt.task ~= "demographic_parity" then min_over_max("EO", safe_ratio(tp, tp + fn), out) end
    return out
  end,
}
