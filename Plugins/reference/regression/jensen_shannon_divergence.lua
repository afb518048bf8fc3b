-- Reference: Jensen-Shannon divergence JS(p, q) = KL(p || m) / 2 + KL(q || m) / 2
-- with m = (p + q) / 2, per row of (N, D) inputs, between 0 and log 2;
-- reduced over rows by `reduction`: "mean" (default), "sum", or
-- "none"/None (one value per row). Probabilities (log_prob = false) are
-- normalised to sum 1 per row first; negative values and all-zero rows are
-- rejected; 0 log 0 = 0. With log_prob = true the rows are
-- log-probabilities and log m = logsumexp(p, q) - log 2.
local divergence = metric.import("divergence")

return metric.define {
  name = "jensen_shannon_divergence",
  summary = "Jensen-Shannon divergence (reference)",
  higher_is_better = false,
  inputs = { "p", "q" },
  options = divergence.OPTIONS,
  states = divergence.states,

  update = function(s, opt, p, q)
    local x, y = divergence.distributions(p, q, opt)
    local m = opt.log_prob and tensor.stack({ x, y }):logsumexp(0) - math.log(2) or (x + y) / 2
    divergence.add(s, divergence.kl_rows(x, m, opt.log_prob) * 0.5 + divergence.kl_rows(y, m, opt.log_prob) * 0.5)
  end,

  compute = divergence.reduce,
}
