-- Reference: Jensen-Shannon divergence JS(p, q) = KL(p || m) / 2 + KL(q || m) / 2
-- with m = (p + q) / 2, per row of (N, D) inputs, between 0 and log 2;
-- reduced over rows by `reduction`: "mean" (default), "sum", or
-- "none"/None (one value per row). Probabilities (log_prob = false) are
-- normalised to sum 1 per row first; negative values and all-zero rows are
-- rejected; 0 log 0 = 0. With log_prob = true the rows are
-- log-probabilities and log m = logsumexp(p, q) - log 2.
local function same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

local function normalised(x, name)
  metric.check(not x:lt(0):any(), name, "non-negative probabilities (or log_prob=true)")
  local total = x:sum(1, true)
  metric.check(not total:eq(0):any(), name, "rows with a positive sum (an all-zero row cannot be normalised)")
  return x / total
end

-- Row sums of x log(x / m), with 0 where x is 0.
local function kl_rows(x, m)
  return tensor.where(x:eq(0), 0.0, x * (x / m):log()):sum(1)
end

-- Row sums of exp(a) (a - b) for log-probabilities.
local function kl_log_rows(a, b)
  return (a:exp() * (a - b)):sum(1)
end

return metric.define {
  name = "jensen_shannon_divergence",
  summary = "Jensen-Shannon divergence (reference)",
  higher_is_better = false,
  inputs = { "p", "q" },
  options = { log_prob = false, reduction = metric.choice({ "mean", "sum", "none", "None" }, "mean") },

  states = function(opt)
    if opt.reduction == nil or opt.reduction == "none" or opt.reduction == "None" then
      return { { "measures", "cat" } }
    end
    return {
      { "measure_sum", tensor.zeros({}, "float64"), "sum" },
      { "total", tensor.zeros({}, "int64"), "sum" },
    }
  end,

  update = function(s, opt, p, q)
    metric.check(same_shape(p, q), "q", "the same shape as p")
    metric.check(p:dim() == 2, "p", "a 2-D (N, D) tensor of distributions")
    metric.check(p:numel() > 0, "p", "at least one element")
    local x, y = p:double(), q:double()
    local measures
    if opt.log_prob then
      local log_m = tensor.stack({ x, y }):logsumexp(0) - math.log(2)
      measures = kl_log_rows(x, log_m) * 0.5 + kl_log_rows(y, log_m) * 0.5
    else
      x, y = normalised(x, "p"), normalised(y, "q")
      local m = (x + y) / 2
      measures = kl_rows(x, m) * 0.5 + kl_rows(y, m) * 0.5
    end
    if s.measures then
      table.insert(s.measures, measures:float())
    else
      s.measure_sum = s.measure_sum + measures:sum()
      s.total = s.total + measures:numel()
    end
  end,

  compute = function(s, opt)
    if s.measures then
      if #s.measures == 0 then return tensor.zeros({ 0 }, "float32") end
      return tensor.cat(s.measures)
    end
    if opt.reduction == "sum" then return s.measure_sum:float() end
    return (s.measure_sum / s.total):float()
  end,
}
