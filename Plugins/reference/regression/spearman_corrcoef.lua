-- Reference: Spearman's rank correlation per output column: the
-- correlation of the average ranks (tied values share the mean of their
-- ranks), rho = cov(r_p, r_t) / (std(r_p) std(r_t) + 1e-6) with population
-- moments, clamped to [-1, 1] (TorchMetrics' formula; the 1e-6 makes a
-- constant input give 0). Float inputs (N) or (N, 1) for one output,
-- (N, num_outputs) otherwise; NaN has no rank and is rejected. The rows are
-- kept as lists and ranked at compute.
local rank_correlation = metric.import("rank_correlation")

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

  states = rank_correlation.states(),
  update = rank_correlation.update(true, "rank"),

  compute = function(s, opt)
    local out_shape = rank_correlation.output_shape(opt)
    local p, t = rank_correlation.stored(s)
    if not p then return tensor.full(out_shape, 0 / 0, "float32") end
    local rho = {}
    for c = 0, opt.num_outputs - 1 do
      local a = average_ranks(rank_correlation.column(p, c))
      local b = average_ranks(rank_correlation.column(t, c))
      local da, db = a - a:mean(), b - b:mean()
      local cov = (da * db):mean()
      local r = cov / ((da * da):mean():sqrt() * (db * db):mean():sqrt() + 1e-6)
      rho[c + 1] = r:clamp(-1, 1):item()
    end
    return tensor.new(rho, "float32"):reshape(out_shape)
  end,
}
