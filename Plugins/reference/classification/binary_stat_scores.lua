-- Reference: binary stat scores, [tp, fp, tn, fn, support] with
-- support = tp + fn: int64 [5], or [N, 5] samplewise; all zeros when nothing
-- is counted. Float preds are thresholded (preds > threshold) after a sigmoid
-- when the batch holds a value outside [0, 1] or NaN (logits, decided per
-- batch unless input_format fixes the reading); integer preds are 0/1 labels.
-- Targets equal to ignore_index count nowhere. samplewise: one value per
-- sample over its extra dimensions.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
-- Whether an integer-valued tensor x, whose (row) sums are `sum`, holds only
-- 0 and 1: x^2 = x exactly for 0 and 1 and x^2 > x for every other integer,
-- so only then do the sums of x^2 and x agree.
local function all01(x, sum) return (x * x):sum():item() == sum:sum():item() end

-- [tn, fp, fn, tp] of one batch: int64 [4], or [N, 4] samplewise. The
-- counts are float sums of 0/1 tensors (the fastest kernels); up to 2^22
-- elements float32 keeps them and the 0/1 test exact (an invalid value moves
-- the sum of squares by more than float32 rounding), larger batches use float64.
local function confusion(preds, target, opt)
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts, "target", "the same shape as preds")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  local samplewise = opt.multidim_average == "samplewise"
  metric.check(not samplewise or #ps >= 2, "preds", "at least 2 dimensions (N, ...) for multidim_average='samplewise'")
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  local n = target:numel()
  local ft = n <= 2 ^ 22 and "float32" or "float64"
  local t, keep = target:to(ft), nil
  if opt.ignore_index ~= nil then
    keep = target:ne(opt.ignore_index)
    t = t * keep
  end
  local rows = samplewise and ps[1] or 1
  local inner = rows > 0 and n // rows or 0
  local function total(x) return samplewise and x:reshape(rows, inner):sum(1) or x:sum() end
  local actual = total(t)
  metric.check(all01(t, actual), "target", "values 0 or 1 (or ignore_index)")
  local p
  if is_float(preds) then
    metric.check(opt.input_format ~= "labels", "preds", "integer 0/1 labels (input_format='labels')")
    local logits = opt.input_format == "logits"
    if not logits and preds:numel() > 0 then
      -- Clamping to [0, 1] changes exactly the values outside it (NaN never equals itself).
      logits = not preds:clamp(0, 1):eq(preds):all()
      metric.check(not (logits and opt.input_format == "probs"), "preds", "probabilities in [0, 1] without NaN (input_format='probs')")
    end
    p = (logits and preds:sigmoid() or preds):gt(opt.threshold):to(ft)
  else
    p = preds:to(ft)
    metric.check(all01(p, p:sum()), "preds", "0/1 labels when preds is an integer tensor")
  end
  if keep then p = p * keep end
  local tp, predicted = total(p * t), total(p)
  local counted = keep and total(keep:to(ft)) or inner
  return tensor.stack({ counted - predicted - actual + tp, predicted - tp, actual - tp, tp }, samplewise and 1 or 0):long()
end

-- The accumulated [tn, fp, fn, tp] counts (int64), one row per sample when samplewise.
local function accumulated(s, opt)
  if opt.multidim_average ~= "samplewise" then return s.confusion end
  return #s.confusion > 0 and tensor.cat(s.confusion) or tensor.zeros({ 0, 4 }, "int64")
end
local function column(c, i) return c:slice(-1, i, i + 1):squeeze(-1) end

return metric.define {
  name = "binary_stat_scores",
  summary = "binary [tp, fp, tn, fn, support] (reference)",
  options = {
    threshold = 0.5,
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    if opt.multidim_average == "samplewise" then return { { "confusion", "cat" } } end
    return { { "confusion", tensor.zeros({ 4 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local c = confusion(preds, target, opt)
    if opt.multidim_average == "samplewise" then table.insert(s.confusion, c) else s.confusion = s.confusion + c end
  end,

  compute = function(s, opt)
    local c = accumulated(s, opt)
    local tn, fp, fn, tp = column(c, 0), column(c, 1), column(c, 2), column(c, 3)
    return tensor.stack({ tp, fp, tn, fn, tp + fn }, -1)
  end,
}
