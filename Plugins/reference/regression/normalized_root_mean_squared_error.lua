-- Reference: normalised root mean squared error per output,
-- NRMSE = sqrt(sum((p - t)^2) / N) / d, where d is a statistic of the
-- target chosen by `normalization`: "mean" (default), "range" (max - min),
-- "std" (population standard deviation; exactly 0 for a constant target) or
-- "l2" (sqrt(sum(t^2))). A zero d gives inf (NaN when the error is 0 too).
-- From every row seen (kept as lists, statistics at compute). One output:
-- any shape, flattened; num_outputs > 1: (N, num_outputs), one value per
-- column. Empty input is rejected.
local inputs = metric.import("inputs")

return metric.define {
  name = "normalized_root_mean_squared_error",
  summary = "normalised root mean squared error (reference)",
  higher_is_better = false,
  options = { normalization = metric.choice({ "mean", "range", "std", "l2" }, "mean"), num_outputs = 1 },

  states = function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    return { { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local k = opt.num_outputs
    if k > 1 then
      local shape = preds:shape()
      metric.check(#shape == 2 and shape[2] == k, "preds", "shape (N, num_outputs)")
    end
    table.insert(s.preds, preds:double():reshape({ -1, k }))
    table.insert(s.target, target:double():reshape({ -1, k }))
  end,

  compute = function(s, opt)
    local k = opt.num_outputs
    local out_shape = k == 1 and {} or { k }
    if #s.target == 0 then return tensor.full(out_shape, 0 / 0, "float32") end
    local p, t = tensor.cat(s.preds), tensor.cat(s.target)
    local rmse = ((p - t) ^ 2):mean(0):sqrt()
    local d
    if opt.normalization == "mean" then
      d = t:mean(0)
    elseif opt.normalization == "range" then
      d = t:max(0) - t:min(0)
    elseif opt.normalization == "std" then
      local std = ((t - t:mean(0)) ^ 2):mean(0):sqrt()
      d = tensor.where(t:max(0):eq(t:min(0)), 0.0, std)
    else
      d = (t * t):sum(0):sqrt()
    end
    return (rmse / d):reshape(out_shape):float()
  end,
}
