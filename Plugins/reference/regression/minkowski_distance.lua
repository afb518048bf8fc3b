-- Reference: Minkowski distance of order p, (sum(|preds - target|^p))^(1/p)
-- over every element (any shape, flattened). p is required and must be
-- >= 1. Empty input is rejected; NaN propagates.
local inputs = metric.import("inputs")

return metric.define {
  name = "minkowski_distance",
  summary = "Minkowski distance of order p (reference)",
  higher_is_better = false,
  options = { p = metric.required("number") },

  states = function(opt)
    metric.check(opt.p >= 1, "p", "a number >= 1")
    return { { "minkowski_dist_sum", tensor.zeros({}, "float64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local d = (preds:double() - target:double()):abs()
    s.minkowski_dist_sum = s.minkowski_dist_sum + (d ^ opt.p):sum()
  end,

  compute = function(s, opt)
    return (s.minkowski_dist_sum ^ (1 / opt.p)):float()
  end,
}
