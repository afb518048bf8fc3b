-- Reference: weighted mean absolute percentage error,
-- WMAPE = sum(|preds - target|) / max(sum(|target|), eps) with
-- eps = 1.17e-6 (all-zero targets give sum(|preds|) / eps). Any shape
-- (flattened); empty input is rejected; NaN propagates.
local inputs = metric.import("inputs")

local eps = 1.17e-6

return metric.define {
  name = "weighted_mean_absolute_percentage_error",
  summary = "weighted mean absolute percentage error (reference)",
  higher_is_better = false,

  states = {
    { "sum_abs_error", tensor.zeros({}, "float64"), "sum" },
    { "sum_scale", tensor.zeros({}, "float64"), "sum" },
  },

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local p, t = preds:double(), target:double()
    s.sum_abs_error = s.sum_abs_error + (p - t):abs():sum()
    s.sum_scale = s.sum_scale + t:abs():sum()
  end,

  compute = function(s, opt)
    return (s.sum_abs_error / s.sum_scale:clamp(eps)):float()
  end,
}
