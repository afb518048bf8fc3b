-- Machinery shared by the reference divergence scripts (kl_divergence,
-- jensen_shannon_divergence): their options, checking and normalising the
-- (N, D) distributions, the per-row measures' states (kept as a list for
-- reduction none, else a sum and a count), and the reduction. Each script
-- keeps the formula of its own metric.
local inputs = metric.import("inputs")

-- The options of both metrics (TorchMetrics' names).
local OPTIONS = { log_prob = false, reduction = metric.choice({ "mean", "sum", "none", "None" }, "mean") }

-- Each row divided by its sum, after checking the row can be normalised.
local function normalised(x, name)
  metric.check(not x:lt(0):any(), name, "non-negative probabilities (or log_prob=true)")
  local total = x:sum(1, true)
  metric.check(not total:eq(0):any(), name, "rows with a positive sum (an all-zero row cannot be normalised)")
  return x / total
end

-- The states: every row's measure for reduction none, else their sum and count.
local function states(opt)
  if opt.reduction == nil or opt.reduction == "none" or opt.reduction == "None" then
    return { { "measures", "cat" } }
  end
  return {
    { "measure_sum", tensor.zeros({}, "float64"), "sum" },
    { "total", tensor.zeros({}, "int64"), "sum" },
  }
end

-- The batch's p and q checked and in float64: log-probabilities as given
-- (log_prob), else probabilities normalised to sum 1 per row.
local function distributions(p, q, opt)
  metric.check(inputs.same_shape(p, q), "q", "the same shape as p")
  metric.check(p:dim() == 2, "p", "a 2-D (N, D) tensor of distributions")
  metric.check(p:numel() > 0, "p", "at least one element")
  local x, y = p:double(), q:double()
  if opt.log_prob then return x, y end
  return normalised(x, "p"), normalised(y, "q")
end

-- Adds the batch's per-row measures [N] to the states.
local function add(s, measures)
  if s.measures then
    table.insert(s.measures, measures:float())
  else
    s.measure_sum = s.measure_sum + measures:sum()
    s.total = s.total + measures:numel()
  end
end

-- compute: the measures (none), their sum, or their mean, in float32.
local function reduce(s, opt)
  if s.measures then
    if #s.measures == 0 then return tensor.zeros({ 0 }, "float32") end
    return tensor.cat(s.measures)
  end
  if opt.reduction == "sum" then return s.measure_sum:float() end
  return (s.measure_sum / s.total):float()
end

-- KL(x || y) per row: sum_i x_i log(x_i / y_i) of probabilities (x_i = 0
-- contributes 0), or sum_i exp(x_i) (x_i - y_i) of log-probabilities.
local function kl_rows(x, y, log_prob)
  if log_prob then return (x:exp() * (x - y)):sum(1) end
  return tensor.where(x:eq(0), 0.0, x * (x / y):log()):sum(1)
end

return { OPTIONS = OPTIONS, states = states, distributions = distributions, add = add, reduce = reduce, kl_rows = kl_rows }
