-- Reference: explained variance per output, 1 - Var(t - p) / Var(t) with
-- population variances, from every row seen (kept as lists, two-pass at
-- compute). Inputs (N, ...): each position of `...` is an output, every
-- batch the same trailing shape. As TorchMetrics: an output whose errors
-- have zero variance scores 1, else one whose target has zero variance
-- scores 0; a column of identical values has exactly zero variance.
-- multioutput: "raw_values" (the scores, shaped `...`; a scalar for 1-D
-- input), "uniform_average" (their mean), "variance_weighted" (weighted by
-- the target variances).
local inputs = metric.import("inputs")

local function trailing(t)
  local shape = t:shape()
  table.remove(shape, 1)
  return shape
end

-- Population variance along axis 0; exactly 0 where every value is the same.
local function variance(x)
  local v = ((x - x:mean(0)) ^ 2):mean(0)
  return tensor.where(x:max(0):eq(x:min(0)), 0.0, v)
end

return metric.define {
  name = "explained_variance",
  summary = "explained variance (reference)",
  higher_is_better = true,
  options = {
    multioutput = metric.choice({ "raw_values", "uniform_average", "variance_weighted" }, "uniform_average"),
  },

  states = { { "preds", "cat" }, { "target", "cat" } },

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    metric.check(preds:dim() >= 1, "preds", "(N, ...) samples")
    table.insert(s.preds, preds:double())
    table.insert(s.target, target:double())
  end,

  compute = function(s, opt)
    if #s.target == 0 then return tensor.scalar(0 / 0, "float32") end
    local first = table.concat(trailing(s.target[1]), "x")
    for i = 2, #s.target do
      metric.check(table.concat(trailing(s.target[i]), "x") == first, "preds", "the same trailing shape in every batch")
    end
    local p, t = tensor.cat(s.preds), tensor.cat(s.target)
    local error_variance, target_variance = variance(t - p), variance(t)
    local scores = tensor.where(error_variance:eq(0), 1.0,
      tensor.where(target_variance:eq(0), 0.0, 1 - error_variance / target_variance))
    if opt.multioutput == "raw_values" then return scores:float() end
    if opt.multioutput == "uniform_average" then return scores:mean():float() end
    return (target_variance / target_variance:sum() * scores):sum():float()
  end,
}
