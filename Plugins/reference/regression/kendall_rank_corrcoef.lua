-- Reference: Kendall's rank correlation tau per output column. Over all
-- pairs of rows, C counts pairs ordered the same way in preds and target
-- (both strictly), D pairs ordered oppositely; n0 = n(n-1)/2 and t_x, t_y
-- the pairs tied in preds, target (sum of g(g-1)/2 over groups of g equal
-- values):
--   variant a: (C - D) / (C + D)
--   variant b: (C - D) / sqrt((n0 - t_x)(n0 - t_y))          (default)
--   variant c: 2 (C - D) / (n^2 (m - 1) / m), m the smaller number of distinct values
-- clamped to [-1, 1]; no untied pair gives 0/0 = NaN. With t_test = true the
-- value is {tau, p}: the p-value of the normal approximation of C - D for
-- `alternative` ("two-sided", "less", "greater"), with the tie-corrected
-- variance for variants b and c. Inputs (N) or (N, 1) for one output,
-- (N, num_outputs) otherwise; NaN has no order and is rejected. The rows
-- are kept as lists; pairs are compared in blocks of rows at compute.
local rank_correlation = metric.import("rank_correlation")

-- Complementary error function: power series of erf below 2, continued
-- fraction above (both accurate to a few ulp in double).
local function erfc(x)
  if x < 0 then return 2 - erfc(-x) end
  if x < 2 then
    local term, total, n = x, x, 0
    repeat
      n = n + 1
      term = -term * x * x / n
      local add = term / (2 * n + 1)
      total = total + add
    until math.abs(add) <= 1e-17 * math.abs(total) or n >= 100
    return 1 - total * 2 / math.sqrt(math.pi)
  end
  local f = x
  for k = 200, 1, -1 do f = x + (k / 2) / f end
  return math.exp(-x * x) / (math.sqrt(math.pi) * f)
end

local function normal_cdf(z) return 0.5 * erfc(-z / math.sqrt(2)) end

-- Tie statistics of a 1-D tensor: pairs tied, sum g(g-1)(g-2), sum g(g-1)(2g+5), distinct values.
local function ties(x)
  local _, g = x:unique(false, true)
  local gd = g:double()
  return (gd * (gd - 1) / 2):sum():item(), (gd * (gd - 1) * (gd - 2)):sum():item(),
    (gd * (gd - 1) * (gd * 2 + 5)):sum():item(), g:numel()
end

-- Concordant and discordant pairs of two 1-D float64 tensors. Ordered pairs
-- (i, j) with x_i < x_j are counted, so each unordered pair once; rows are
-- taken in blocks so the pair matrices stay small.
local function pair_counts(x, y)
  local n = x:numel()
  local block = math.max(1, 4194304 // n)
  local concordant, discordant = 0, 0
  for start = 0, n - 1, block do
    local stop = math.min(n, start + block)
    local dx = x:slice(0, start, stop):unsqueeze(1) - x:unsqueeze(0)
    local dy = y:slice(0, start, stop):unsqueeze(1) - y:unsqueeze(0)
    local before = dx:lt(0)
    concordant = concordant + before:logical_and(dy:lt(0)):count_nonzero()
    discordant = discordant + before:logical_and(dy:gt(0)):count_nonzero()
  end
  return concordant, discordant
end

return metric.define {
  name = "kendall_rank_corrcoef",
  summary = "Kendall's rank correlation tau (reference)",
  options = {
    variant = metric.choice({ "a", "b", "c" }, "b"),
    t_test = false,
    alternative = metric.choice({ "two-sided", "less", "greater", "None" }, "two-sided"),
    num_outputs = 1,
  },

  states = rank_correlation.states(function(opt)
    metric.check(not opt.t_test or (opt.alternative ~= nil and opt.alternative ~= "None"), "alternative",
      "two-sided, less or greater when t_test is true")
  end),
  update = rank_correlation.update(false, "order"),

  compute = function(s, opt)
    local out_shape = rank_correlation.output_shape(opt)
    local p, t = rank_correlation.stored(s)
    if not p then
      local nan = tensor.full(out_shape, 0 / 0, "float32")
      if opt.t_test then return { nan, nan } end
      return nan
    end
    p, t = p:double(), t:double()
    local n = p:size(0)
    local taus, pvalues = {}, {}
    for c = 0, opt.num_outputs - 1 do
      local x, y = rank_correlation.column(p, c), rank_correlation.column(t, c)
      local concordant, discordant = pair_counts(x, y)
      local diff = concordant - discordant
      local tx, tx1, tx2, mx = ties(x)
      local ty, ty1, ty2, my = ties(y)
      local tau
      if opt.variant == "a" then
        tau = diff / (concordant + discordant)
      elseif opt.variant == "b" then
        local n0 = n * (n - 1) / 2
        tau = diff / math.sqrt((n0 - tx) * (n0 - ty))
      else
        local m = math.min(mx, my)
        tau = 2 * diff / ((m - 1) / m * n * n)
      end
      if tau == tau then tau = math.max(-1, math.min(1, tau)) end
      taus[c + 1] = tau
      if opt.t_test then
        local base = n * (n - 1) * (2 * n + 5)
        local z
        if opt.variant == "a" then
          z = 3 * diff / math.sqrt(base / 2)
        else
          local m = n * (n - 1)
          local variance = (base - tx2 - ty2) / 18 + 2 * tx * ty / m + tx1 * ty1 / (9 * m * (n - 2))
          z = diff / math.sqrt(variance)
        end
        if opt.alternative == "two-sided" then
          pvalues[c + 1] = 2 * normal_cdf(-math.abs(z))
        elseif opt.alternative == "greater" then
          pvalues[c + 1] = normal_cdf(-z)
        else
          pvalues[c + 1] = normal_cdf(z)
        end
      end
    end
    local tau = tensor.new(taus, "float32"):reshape(out_shape)
    if not opt.t_test then return tau end
    return { tau, tensor.new(pvalues, "float32"):reshape(out_shape) }
  end,
}
