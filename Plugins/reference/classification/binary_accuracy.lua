-- Reference: binary accuracy, (tp + tn) / (tp + fp + tn + fn), the fraction of
-- right predictions; 0 when nothing is counted. Float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (logits, decided per batch unless input_format fixes the
-- reading); integer preds are 0/1 labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample over its extra dimensions.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
-- Whether every element of x (an integer or float tensor) lies in [0, 1]
-- (TorchMetrics' test for probabilities); false when any is NaN (NaN fails
-- both comparisons). True when empty.
local function within01(x) return x:ge(0):logical_and(x:le(1)):all() end

-- [tn, fp, fn, tp] of one batch: int64 [4], or [N, 4] samplewise. Preds and
-- target become bool masks (predicted positive, actually positive); the
-- counts are sums of masks.
local function confusion(preds, target, opt)
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts, "target", "the same shape as preds")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  local samplewise = opt.multidim_average == "samplewise"
  metric.check(not samplewise or #ps >= 2, "preds", "at least 2 dimensions (N, ...) for multidim_average='samplewise'")
  local keep = opt.ignore_index ~= nil and target:ne(opt.ignore_index) or nil
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  -- Every counted target is 0 or 1: the positives and the negatives make up all of them.
  local t, negatives = target:eq(1), target:eq(0)
  if keep then t, negatives = t:logical_and(keep), negatives:logical_and(keep) end
  local n = target:numel()
  metric.check((t:sum() + negatives:sum()):item() == (keep and keep:sum():item() or n), "target", "values 0 or 1 (or ignore_index)")
  local p
  if is_float(preds) then
    metric.check(opt.input_format ~= "labels", "preds", "integer 0/1 labels (input_format='labels')")
    local logits = opt.input_format == "logits"
    if not logits then
      logits = not within01(preds)
      metric.check(not (logits and opt.input_format == "probs"), "preds", "probabilities in [0, 1] without NaN (input_format='probs')")
    end
    p = (logits and preds:sigmoid() or preds):gt(opt.threshold)
  else
    metric.check(preds:dtype() == "bool" or within01(preds), "preds", "0/1 labels when preds is an integer tensor")
    p = preds:bool()
  end
  if keep then p = p:logical_and(keep) end
  local rows = samplewise and ps[1] or 1
  local inner = rows > 0 and n // rows or 0
  local function total(x) return samplewise and x:reshape(rows, inner):sum(1) or x:sum() end
  local tp, predicted, actual = total(p:logical_and(t)), total(p), total(t)
  local counted = keep and total(keep) or inner
  return tensor.stack({ counted - predicted - actual + tp, predicted - tp, actual - tp, tp }, samplewise and 1 or 0)
end

-- The accumulated [tn, fp, fn, tp] counts (int64), one row per sample when samplewise.
local function accumulated(s, opt)
  if opt.multidim_average ~= "samplewise" then return s.confusion end
  return #s.confusion > 0 and tensor.cat(s.confusion) or tensor.zeros({ 0, 4 }, "int64")
end
local function column(c, i) return c:slice(-1, i, i + 1):squeeze(-1) end
local function ratio(num, den, zero) return tensor.where(den:eq(0), zero or 0, num / den) end

return metric.define {
  name = "binary_accuracy",
  summary = "binary accuracy (reference)",
  higher_is_better = true,
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
    local c = accumulated(s, opt):double()
    local tn, fp, fn, tp = column(c, 0), column(c, 1), column(c, 2), column(c, 3)
    return ratio(tp + tn, tn + fp + fn + tp):float()
  end,
}
