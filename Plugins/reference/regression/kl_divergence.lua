-- Reference: Kullback-Leibler divergence KL(p || q) = sum_i p_i log(p_i / q_i)
-- per row of (N, D) inputs, reduced over rows by `reduction`: "mean"
-- (default), "sum", or "none"/None (one value per row).
-- Probabilities (log_prob = false) are normalised to sum 1 per row first;
-- negative values and all-zero rows cannot be normalised and are rejected.
-- p_i = 0 contributes 0; q_i = 0 < p_i gives inf. With log_prob = true the
-- rows are log-probabilities: sum_i exp(p_i) (p_i - q_i), unnormalised.
local divergence = metric.import("divergence")

return metric.define {
  name = "kl_divergence",
  summary = "Kullback-Leibler divergence (reference)",
  higher_is_better = false,
  inputs = { "p", "q" },
  options = divergence.OPTIONS,
  states = divergence.states,

  update = function(s, opt, p, q)
    local x, y = divergence.distributions(p, q, opt)
    divergence.add(s, divergence.kl_rows(x, y, opt.log_prob))
  end,

  compute = divergence.reduce,
}
