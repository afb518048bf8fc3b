-- Machinery shared by the reference correlation scripts built on Pearson's r
-- (pearson_corrcoef, concordance_corrcoef): the num_outputs states and
-- checks, every row seen kept as float64 [N, num_outputs] lists, and the
-- two-pass sample moments with TorchMetrics' safeguard. Each script keeps
-- the formula of its own metric.
local inputs = metric.import("inputs")

-- sqrt(eps of float32): scaled variances below it make r NaN.
local bound = math.sqrt(1.1920928955078125e-07)

-- The states (every row seen), after checking num_outputs.
local function states(opt)
  metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
  return { { "preds", "cat" }, { "target", "cat" } }
end

-- Checks a batch: float (N) or (N, 1) for one output, (N, num_outputs)
-- otherwise; appends it as float64 [N, num_outputs].
local function append(s, opt, preds, target)
  metric.check(inputs.is_float(preds), "preds", "a floating-point tensor")
  metric.check(inputs.is_float(target), "target", "a floating-point tensor")
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
end

-- The shape of the result (a scalar for one output, else [num_outputs]),
-- then every row seen as x, y [N, num_outputs] (nothing when no row was seen).
local function gathered(s, opt)
  local k = opt.num_outputs
  local out_shape = k == 1 and {} or { k }
  if #s.preds == 0 then return out_shape end
  return out_shape, tensor.cat(s.preds), tensor.cat(s.target)
end

-- Per column of x, y [N, K]: Pearson's r, and the sample variances (divided
-- by N - 1). TorchMetrics' safeguard: the variances and the covariance are
-- divided by the largest absolute deviation from the mean (squared for the
-- variances); r is NaN when a scaled variance is below sqrt(eps of float32)
-- or any of them is not finite, else cov / sqrt(var_x var_y) clamped to [-1, 1].
local function pearson(x, y)
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
  return tensor.where(invalid, 0 / 0, (sc / (sx * sy):sqrt()):clamp(-1, 1)), var_x, var_y
end

return { states = states, append = append, gathered = gathered, pearson = pearson }
