-- Machinery shared by the reference binary stat-score scripts (accuracy,
-- precision, recall, F-scores, specificity, negative predictive value,
-- Hamming distance, stat scores; and the 2 x 2 confusion matrix of
-- confusion_matrix, Cohen's kappa, Jaccard index, Matthews correlation):
-- the batch's [tn, fp, fn, tp] counts, their options, states and update,
-- and the confusion matrix. Each script keeps the formula of its own metric.
-- The counts are benchmarked against the native metric: they are whole-tensor
-- bool masks and sums, kept as they are.
local statscores = metric.import("statscores")
local is_float, within, column, ratio = statscores.is_float, statscores.within, statscores.column, statscores.ratio

-- Whether every element of x (an integer or float tensor) lies in [0, 1]
-- (TorchMetrics' test for probabilities, (x >= 0) & (x <= 1), read off the
-- extremes in one pass); false when any is NaN (NaN fails both
-- comparisons). True when empty.
local function within01(x)
  if x:numel() == 0 then return true end
  local lo, hi = x:aminmax()
  return lo:item() >= 0 and hi:item() <= 1
end

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
  local t, negatives = target:eq(1), target:eq(0)
  if keep then t, negatives = t:logical_and(keep), negatives:logical_and(keep) end
  local n = target:numel()
  local rows = samplewise and ps[1] or 1
  local inner = rows > 0 and n // rows or 0
  local function total(x) return samplewise and x:reshape(rows, inner):sum(1) or x:sum() end
  local actual, counted = total(t), keep and total(keep) or inner
  -- Every counted target is 0 or 1: the positives and the negatives make up all of them.
  local covered = (actual + total(negatives)):sum():item()
  metric.check(covered == (keep and counted:sum():item() or n), "target", "values 0 or 1 (or ignore_index)")
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
  local tp, predicted = total(p:logical_and(t)), total(p)
  return tensor.stack({ counted - predicted - actual + tp, predicted - tp, actual - tp, tp }, samplewise and 1 or 0)
end

-- The accumulated [tn, fp, fn, tp] counts (int64), one row per sample when samplewise.
local function accumulated(s, opt)
  if opt.multidim_average ~= "samplewise" then return s.confusion end
  return #s.confusion > 0 and tensor.cat(s.confusion) or tensor.zeros({ 0, 4 }, "int64")
end

-- The options of the stat-score metrics (TorchMetrics' names and defaults),
-- plus `extra` ones (beta for fbeta_score).
local function stat_options(extra)
  local options = {
    threshold = 0.5,
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  }
  for name, spec in pairs(extra or {}) do options[name] = spec end
  return options
end

-- states: after checking the options, the [tn, fp, fn, tp] counts (int64
-- summed), or a list of per-sample counts for samplewise.
local function stat_states(opt)
  metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
  metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
  if opt.multidim_average == "samplewise" then return { { "confusion", "cat" } } end
  return { { "confusion", tensor.zeros({ 4 }, "int64"), "sum" } }
end

-- update: adds the batch's counts.
local function stat_update(s, opt, preds, target)
  local c = confusion(preds, target, opt)
  if opt.multidim_average == "samplewise" then table.insert(s.confusion, c) else s.confusion = s.confusion + c end
end

-- The accumulated counts as float64.
local function counts(s, opt) return accumulated(s, opt):double() end

-- The 2 x 2 confusion matrix [[tn, fp], [fn, tp]] of one batch (rows:
-- target), built like TorchMetrics' confusion-matrix path: positions whose
-- target is ignore_index are dropped first (so the logit test sees only the
-- others), then a bincount of 2 * target + prediction.
local function confusion_matrix(preds, target, opt)
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts, "target", "the same shape as preds")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  local t, p = target:flatten():long(), preds:flatten()
  if not is_float(p) then
    p = p:long()
    metric.check(within(p, 0, 1), "preds", "0/1 labels when preds is an integer tensor")
  end
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index)
    t, p = t:masked_select(keep), p:masked_select(keep)
  end
  metric.check(within(t, 0, 1), "target", "values 0 or 1 (or ignore_index)")
  if is_float(p) then
    metric.check(opt.input_format ~= "labels", "preds", "integer 0/1 labels (input_format='labels')")
    local logits = opt.input_format == "logits"
    if not logits and p:numel() > 0 then
      -- Clamping to [0, 1] changes exactly the values outside it (NaN never equals itself).
      logits = not p:clamp(0, 1):eq(p):all()
      metric.check(not (logits and opt.input_format == "probs"), "preds", "probabilities in [0, 1] without NaN (input_format='probs')")
    end
    p = (logits and p:sigmoid() or p):gt(opt.threshold):long()
  end
  return (t * 2 + p):bincount(nil, 4):reshape(2, 2)
end

return {
  accumulated = accumulated, stat_options = stat_options, stat_states = stat_states, stat_update = stat_update,
  counts = counts, confusion_matrix = confusion_matrix, column = column, ratio = ratio,
  normalized = statscores.normalized,
}
