-- Reference: Jensen-Shannon divergence JS(p, q) = KL(p || m) / 2 + KL(q || m) / 2
-- with m = (p + q) / 2, per row of (N, D) inputs, between 0 and log 2;
-- reduced over rows by `reduction`: "mean" (default), "sum", or
-- "none"/None (one value per row). Probabilities (log_prob = false) are
-- normalised to sum 1 per row first; negative values and all-zero rows are
-- rejected; 0 log 0 = 0. With log_prob = true the rows are
-- log-probabilities and log m = logsumexp(p, q) - log 2.
local divergence = metric.import("divergence")

-- Row sums of x log(x / m), with 0 where x is 0.
local function kl_rows(x, m)
  return tensor.where(x:eq(0), 0.0, x * (x / m):log()):sum(1)
end

-- Row sums of exp(a) (a - b) for log-probabilities.
local function kl_log_rows(a, b)
  return (a:exp() * (a - b)):sum(1)
end

return metric.define {
  name = "jensen_shannon_divergence",
  summary = "Jensen-Shannon divergence (reference)",
  higher_is_better = false,
  inputs = { "p", "q" },
  options = divergence.OPTIONS,
  states = divergence.states,

  update = function(s, opt, p, q)
    local x, y = divergence.distributions(p, q, opt)
    local measures
    if opt.log_prob then
      local log_m = tensor.stack({ x, y }):logsumexp(0) - math.log(2)
      measures = kl_log_rows(x, log_m) * 0.5 + kl_log_rows(y, log_m) * 0.5
    else
      local m = (x + y) / 2
      measures = kl_rows(x, m) * 0.5 + kl_rows(y, m) * 0.5
    end
    divergence.add(s, measures)
  end,

  compute = divergence.reduce,
}
