-- Helpers shared by the reference stat-score scripts (accuracy, precision,
-- recall, F-scores, specificity, negative predictive value, Hamming
-- distance, Jaccard index, confusion matrix, ...; binary, multiclass and
-- multilabel) and their modules lib/multiclass.lua and lib/multilabel.lua.

local is_float = metric.import("inputs").is_float

-- Whether every value of x lies in [lo, hi] (true for an empty x).
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

-- Column i (0-based) of the last axis of [..., 4] counts [tn, fp, fn, tp].
local function column(c, i) return c:slice(-1, i, i + 1):squeeze(-1) end

-- num / den elementwise, `zero` (default 0) where den is 0.
local function ratio(num, den, zero) return tensor.where(den:eq(0), zero or 0, num / den) end

-- normalize: none keeps the int64 counts; true divides each row (target) by
-- its sum, pred each column (prediction), all the whole matrix (per label for
-- multilabel); 0/0 gives 0, as TorchMetrics replaces the NaN.
local function normalized(m, how)
  if how == true then how = "true" end
  if how == nil or how == false or how == "none" or how == "None" then return m end
  m = m:double()
  local den
  if how == "true" then den = m:sum(-1, true)
  elseif how == "pred" then den = m:sum(-2, true)
  else den = m:sum(-1, true):sum(-2, true) end
  return tensor.where(den:eq(0), 0, m / den):float()
end

-- average: None, micro, macro, weighted or none.
local function check_average(opt)
  local avg = opt.average
  metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
    "average", "micro, macro, weighted or none")
end

-- zero_division: 0 or 1.
local function check_zero_division(opt)
  metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
end

return {
  is_float = is_float, within = within, column = column, ratio = ratio, normalized = normalized,
  check_average = check_average, check_zero_division = check_zero_division,
}
