-- Reference: coefficient of determination per output column,
-- R2 = 1 - RSS / TSS with RSS = sum((t - p)^2) and TSS = sum((t - mean t)^2),
-- from every row seen (kept as lists, two-pass at compute). As TorchMetrics:
-- a column whose RSS is within 1e-4 of 0 scores 1, else one whose TSS is
-- within 1e-4 of 0 scores 0. multioutput: "raw_values" (one score per
-- column; a scalar for 1-D input), "uniform_average" (their mean),
-- "variance_weighted" (weighted by TSS). adjusted = k > 0 gives
-- 1 - (1 - R2)(N - 1) / (N - k - 1), falling back to the plain R2 when
-- k >= N - 1. Inputs (N) or (N, D), every batch the same width; fewer than
-- two samples in total is an error at compute.
local inputs = metric.import("inputs")

local function trailing(t)
  local shape = t:shape()
  table.remove(shape, 1)
  return table.concat(shape, "x")
end

return metric.define {
  name = "r2_score",
  summary = "coefficient of determination (reference)",
  higher_is_better = true,
  options = {
    adjusted = 0,
    multioutput = metric.choice({ "raw_values", "uniform_average", "variance_weighted" }, "uniform_average"),
  },

  states = function(opt)
    metric.check(opt.adjusted >= 0, "adjusted", "an integer >= 0")
    return { { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    metric.check(preds:dim() == 1 or preds:dim() == 2, "preds", "a 1-D (N) or 2-D (N, D) tensor")
    table.insert(s.preds, preds:double())
    table.insert(s.target, target:double())
  end,

  compute = function(s, opt)
    local n = 0
    for i = 1, #s.target do
      metric.check(trailing(s.target[i]) == trailing(s.target[1]), "preds", "the same number of outputs in every batch")
      n = n + s.target[i]:size(0)
    end
    metric.check(n >= 2, "preds", "at least two samples to compute R2")
    local p, t = tensor.cat(s.preds), tensor.cat(s.target)
    local rss = ((t - p) ^ 2):sum(0)
    local tss = ((t - t:mean(0)) ^ 2):sum(0)
    local scores = tensor.where(rss:abs():le(1e-4), 1.0,
      tensor.where(tss:abs():le(1e-4), 0.0, 1 - rss / tss))
    local r2
    if opt.multioutput == "raw_values" then
      r2 = scores
    elseif opt.multioutput == "uniform_average" then
      r2 = scores:mean()
    else
      r2 = (tss / tss:sum() * scores):sum()
    end
    local k = opt.adjusted
    if k > 0 and k < n - 1 then
      r2 = 1 - (1 - r2) * ((n - 1) / (n - k - 1))
    end
    return r2:float()
  end,
}
