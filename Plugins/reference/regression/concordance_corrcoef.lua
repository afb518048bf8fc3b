-- Reference: Lin's concordance correlation coefficient per output column,
--   rho_c = 2 r s_x s_y / (s_x^2 + s_y^2 + (mean x - mean y)^2),
-- with sample variances s^2 (divided by N - 1) and Pearson's r, from every
-- row seen (kept as lists, two-pass moments at compute). NaN wherever r is
-- NaN under TorchMetrics' safeguard: a variance that is negligible against
-- the largest deviation from the mean (below sqrt(eps of float32) after
-- dividing by its square), or anything non-finite (constant input, a single
-- sample, NaN data). Float inputs (N) or (N, 1) for one output,
-- (N, num_outputs) otherwise; the value is a scalar or [num_outputs].
local moments = metric.import("moments")

return metric.define {
  name = "concordance_corrcoef",
  summary = "concordance correlation coefficient (reference)",
  higher_is_better = true,
  options = { num_outputs = 1 },

  states = moments.states,

  update = function(s, opt, preds, target)
    moments.append(s, opt, preds, target)
  end,

  compute = function(s, opt)
    local out_shape, x, y = moments.gathered(s, opt)
    if x == nil then return tensor.full(out_shape, 0 / 0, "float32") end
    local r, var_x, var_y = moments.pearson(x, y)
    local gap = x:mean(0) - y:mean(0)
    local rho = r * var_x:sqrt() * var_y:sqrt() * 2 / (var_x + var_y + gap * gap)
    return rho:reshape(out_shape):float()
  end,
}
