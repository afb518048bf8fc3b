-- Reference: Spearman's rank correlation per output column: the
-- correlation of the average ranks (tied values share the mean of their
-- ranks), rho = cov(r_p, r_t) / (std(r_p) std(r_t) + 1e-6) with population
-- moments, clamped to [-1, 1] (TorchMetrics' formula; the 1e-6 makes a
-- constant input give 0). Float inputs (N) or (N, 1) for one output,
-- (N, num_outputs) otherwise; NaN has no rank and is rejected. The rows are
-- kept as lists and ranked at compute.
local inputs = metric.import("inputs")

-- Average 1-based ranks of a 1-D tensor: a group of c equal values ending at
-- sorted position e (1-based) holds ranks e - c + 1 .. e, mean e - (c - 1) / 2.
local function average_ranks(x)
  local _, inverse, counts = x:unique(true, true)
  local last = counts:cumsum(0):double()
  local mean_rank = last - (counts:double() - 1) / 2
  return mean_rank:index_select(0, inverse)
end

return metric.define {
  name = "spearman_corrcoef",
  summary = "Spearman's rank correlation coefficient (reference)",
  higher_is_better = true,
  options = { num_outputs = 1 },

  states = function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    return { { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.is_float(preds), "preds", "a floating-point tensor")
    metric.check(inputs.is_float(target), "target", "a floating-point tensor")
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local shape, k = preds:shape(), opt.num_outputs
    if k == 1 then
      metric.check(#shape == 1 or (#shape == 2 and shape[2] == 1), "preds", "shape (N) or (N, 1)")
    else
      metric.check(#shape == 2 and shape[2] == k, "preds", "shape (N, num_outputs)")
    end
    metric.check(not preds:isnan():any(), "preds", "no NaN (a NaN has no rank)")
    metric.check(not target:isnan():any(), "target", "no NaN (a NaN has no rank)")
    table.insert(s.preds, preds:reshape({ shape[1], k }))
    table.insert(s.target, target:reshape({ shape[1], k }))
  end,

  compute = function(s, opt)
    local k = opt.num_outputs
    local out_shape = k == 1 and {} or { k }
    if #s.preds == 0 then return tensor.full(out_shape, 0 / 0, "float32") end
    local p, t = tensor.cat(s.preds), tensor.cat(s.target)
    local rho = {}
    for c = 0, k - 1 do
      local a = average_ranks(p:slice(1, c, c + 1):flatten())
      local b = average_ranks(t:slice(1, c, c + 1):flatten())
      local da, db = a - a:mean(), b - b:mean()
      local cov = (da * db):mean()
      local r = cov / ((da * da):mean():sqrt() * (db * db):mean():sqrt() + 1e-6)
      rho[c + 1] = r:clamp(-1, 1):item()
    end
    return tensor.new(rho, "float32"):reshape(out_shape)
  end,
}
