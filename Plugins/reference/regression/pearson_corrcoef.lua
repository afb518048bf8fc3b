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
local bound = math.sqrt(1.1920928955078125e-07)

local function same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

local function is_float(t) return t:dtype() == "float32" or t:dtype() == "float64" end

return metric.define {
  name = "pearson_corrcoef",
  summary = "Pearson correlation coefficient (reference)",
  options = { num_outputs = 1 },

  states = function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    return { { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target)
    metric.check(is_float(preds), "preds", "a floating-point tensor")
    metric.check(is_float(target), "target", "a floating-point tensor")
    metric.check(same_shape(preds, target), "target", "the same shape as preds")
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
    local k = opt.num_outputs
    local out_shape = k == 1 and {} or { k }
    if #s.preds == 0 then return tensor.full(out_shape, 0 / 0, "float32") end
    local x, y = tensor.cat(s.preds), tensor.cat(s.target)
    local n = x:size(0)
    local dx, dy = x - x:mean(0), y - y:mean(0)
    local var_x, var_y = (dx * dx):sum(0) / (n - 1), (dy * dy):sum(0) / (n - 1)
    local cov = (dx * dy):sum(0) / (n - 1)
    local spread_x, spread_y = dx:abs():max(0), dy:abs():max(0)
    local sx, sy = var_x / (spread_x * spread_x), var_y / (spread_y * spread_y)
    local sc = cov / (spread_x * spread_y)
    local invalid = sx:lt(bound):logical_or(sy:lt(bound))
      :logical_or(sx:isfinite():logical_not()):logical_or(sy:isfinite():logical_not())
      :logical_or(sc:isfinite():logical_not())
    local r = tensor.where(invalid, 0 / 0, (sc / (sx * sy):sqrt()):clamp(-1, 1))
    return r:reshape(out_shape):float()
  end,
}
