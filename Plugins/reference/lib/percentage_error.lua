-- Machinery shared by the reference percentage-error scripts
-- (mean_absolute_percentage_error, symmetric_mean_absolute_percentage_error):
-- the (summed error, count) states and an update that adds
-- factor * |preds - target| / max(denominator, eps) over a batch. Each
-- script keeps its own denominator and factor.

local same_shape = metric.import("inputs").same_shape

-- The floor of the denominators (TorchMetrics' epsilon), so a zero
-- denominator gives a large finite error.
local eps = 1.17e-6

-- The summed error (float64) and the element count (int64), summed over batches.
local states = {
  { "sum_abs_per_error", tensor.zeros({}, "float64"), "sum" },
  { "total", tensor.zeros({}, "int64"), "sum" },
}

-- update: checks one batch (same shape, not empty) and adds factor *
-- sum(|preds - target| / max(denominator(p, t), eps)) of its float64 values
-- p, t, and their count.
local function update(denominator, factor)
  return function(s, opt, preds, target)
    metric.check(same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local p, t = preds:double(), target:double()
    local ratio = (p - t):abs() / denominator(p, t):clamp(eps)
    s.sum_abs_per_error = s.sum_abs_per_error + ratio:sum() * factor
    s.total = s.total + ratio:numel()
  end
end

return { states = states, update = update }
