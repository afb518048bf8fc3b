-- Reference: relative squared error per output column,
-- RSE = sum((t - p)^2) / sum((t - mean t)^2) (its root with squared = false),
-- averaged over the columns. The denominator is at least the float32
-- epsilon, as in TorchMetrics (a constant target gives a large finite
-- value). From every row seen (kept as lists, two-pass at compute). Inputs
-- (N) or (N, 1) for one output, (N, num_outputs) otherwise.
local inputs = metric.import("inputs")

local eps = 1.1920928955078125e-07

return metric.define {
  name = "relative_squared_error",
  summary = "relative squared error (reference)",
  higher_is_better = false,
  options = { num_outputs = 1, squared = true },

  states = function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    return { { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local shape, k = preds:shape(), opt.num_outputs
    if k == 1 then
      metric.check(#shape == 1 or (#shape == 2 and shape[2] == 1), "preds", "shape (N) or (N, 1)")
    else
      metric.check(#shape == 2 and shape[2] == k, "preds", "shape (N, num_outputs)")
    end
    table.insert(s.preds, preds:double():reshape({ shape[1], k }))
    table.insert(s.target, target:double():reshape({ shape[1], k }))
  end,

  compute = function(s, opt)
    if #s.target == 0 then return tensor.scalar(0 / 0, "float32") end
    local p, t = tensor.cat(s.preds), tensor.cat(s.target)
    local rss = ((t - p) ^ 2):sum(0)
    local tss = ((t - t:mean(0)) ^ 2):sum(0)
    local rse = rss / tss:clamp(eps)
    if not opt.squared then rse = rse:sqrt() end
    return rse:mean():float()
  end,
}
