-- Reference: Pearson correlation coefficient per output column,
--   r = sum((x - mean x)(y - mean y)) / sqrt(sum((x - mean x)^2) sum((y - mean y)^2)),
-- from every row seen (kept as lists, two-pass moments at compute).
-- TorchMetrics' safeguard: the sample variances and covariance are divided
-- by the largest absolute deviation from the mean (squared for the
-- variances); when a scaled variance is below sqrt(eps of float32) or any
-- of them is not finite, r is NaN (constant input, a single sample, NaN
-- data). Otherwise r = cov / sqrt(var_x var_y), clamped to [-1, 1].
-- Float inputs (N) or (N, 1) for one output, (N, num_outputs) otherwise;
-- the value is a scalar or [num_outputs].
local moments = metric.import("moments")

return metric.define {
  name = "pearson_corrcoef",
  summary = "Pearson correlation coefficient (reference)",
  options = { num_outputs = 1 },

  states = moments.states,

  update = function(s, opt, preds, target)
    moments.append(s, opt, preds, target)
  end,

  compute = function(s, opt)
    local out_shape, x, y = moments.gathered(s, opt)
    if x == nil then return tensor.full(out_shape, 0 / 0, "float32") end
    local r = moments.pearson(x, y)
    return r:reshape(out_shape):float()
  end,
}
