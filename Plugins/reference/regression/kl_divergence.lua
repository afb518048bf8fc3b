-- Reference: Kullback-Leibler divergence KL(p || q) = sum_i p_i log(p_i / q_i)
-- per row of (N, D) inputs, reduced over rows by `reduction`: "mean"
-- (default), "sum", or "none"/None (one value per row).
-- Probabilities (log_prob = false) are normalised to sum 1 per row first;
-- negative values and all-zero rows cannot be normalised and are rejected.
-- p_i = 0 contributes 0; q_i = 0 < p_i gives inf. With log_prob = true the
-- rows are log-probabilities: sum_i exp(p_i) (p_i - q_i), unnormalised.
local function same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

-- Each row divided by its sum, after checking the row can be normalised.
local function normalised(x, name)
  metric.check(not x:lt(0):any(), name, "non-negative probabilities (or log_prob=true)")
  local total = x:sum(1, true)
  metric.check(not total:eq(0):any(), name, "rows with a positive sum (an all-zero row cannot be normalised)")
  return x / total
end

return metric.define {
  name = "kl_divergence",
  summary = "Kullback-Leibler divergence (reference)",
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
      measures = (x:exp() * (x - y)):sum(1)
    else
      x, y = normalised(x, "p"), normalised(y, "q")
      measures = tensor.where(x:eq(0), 0.0, x * (x / y):log()):sum(1)
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
