-- Machinery shared by the reference multilabel stat-score scripts
-- (accuracy, precision, recall, F-scores, specificity, negative predictive
-- value, Hamming distance, stat scores, exact match, confusion matrix,
-- Jaccard index, Matthews correlation): reading a batch as 0/1 predictions
-- per label (thresholded scores, or labels), per-label [tn, fp, fn, tp]
-- counts, the per-label 2 x 2 confusion matrices, and the label averaging.
-- The stat-score options, states and update are statscores.class_stats'.
-- Each script keeps the formula of its own metric.
local statscores = metric.import("statscores")
local is_float, within, column, ratio = statscores.is_float, statscores.within, statscores.column, statscores.ratio
local normalized = statscores.normalized

-- 0/1 predictions and targets of one (N, L, ...) batch as int64, and the
-- mask of positions whose target is not ignore_index (nil without one).
local function binarized(preds, target, opt)
  local L = opt.num_labels
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts, "target", "the same shape as preds")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  metric.check(#ps >= 2 and ps[2] == L, "preds", "shape (N, num_labels, ...)")
  metric.check(opt.multidim_average ~= "samplewise" or #ps >= 3, "preds", "at least 3 dimensions (N, L, ...) for multidim_average='samplewise'")
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  local t, keep = target:long(), nil
  if opt.ignore_index ~= nil then
    keep = t:ne(opt.ignore_index)
    t = tensor.where(keep, t, 0)
  end
  metric.check(within(t, 0, 1), "target", "values 0 or 1 (or ignore_index)")
  local p
  if is_float(preds) then
    metric.check(opt.input_format ~= "labels", "preds", "integer 0/1 labels (input_format='labels')")
    local logits = opt.input_format == "logits"
    if not logits and preds:numel() > 0 then
      -- Clamping to [0, 1] changes exactly the values outside it (NaN never equals itself).
      logits = not preds:clamp(0, 1):eq(preds):all()
      metric.check(not (logits and opt.input_format == "probs"), "preds", "probabilities in [0, 1] without NaN (input_format='probs')")
    end
    p = (logits and preds:sigmoid() or preds):gt(opt.threshold):long()
  else
    p = preds:long()
    metric.check(within(p, 0, 1), "preds", "0/1 labels when preds is an integer tensor")
  end
  return p, t, keep
end

-- Per label [tn, fp, fn, tp] of one batch: int64 [L, 4], or [N, L, 4]
-- samplewise: a bincount of ((row * L + label) * 2 + target) * 2 + prediction.
local function confusion(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = binarized(preds, target, opt)
  local samplewise = opt.multidim_average == "samplewise"
  local n = p:size(0)
  local rows, inner = samplewise and n or 1, n > 0 and p:numel() // (n * L) or 0
  local row = samplewise and tensor.arange(n):reshape(n, 1, 1) or 0
  local code = ((row * L + tensor.arange(L):reshape(1, L, 1)) * 4 + t:reshape(n, L, inner) * 2 + p:reshape(n, L, inner)):flatten()
  if keep then code = code:masked_select(keep:flatten()) end
  local cells = code:bincount(nil, rows * L * 4):reshape(rows, L, 4)
  return samplewise and cells or cells:squeeze(0)
end

-- Per label 2 x 2 confusion matrices [[tn, fp], [fn, tp]] of one batch
-- (int64 [L, 2, 2]): a bincount of 4 * label + 2 * target + prediction over
-- the positions whose target is not ignore_index.
local function confusion_matrix(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = binarized(preds, target, opt)
  local n = p:size(0)
  local inner = n > 0 and p:numel() // (n * L) or 0
  local code = (tensor.arange(L):reshape(1, L, 1) * 4 + t:reshape(n, L, inner) * 2 + p:reshape(n, L, inner)):flatten()
  if keep then code = code:masked_select(keep:flatten()) end
  return code:bincount(nil, 4 * L):reshape(L, 2, 2)
end

-- Reduces per-label scores over the label axis by `average`: none and
-- micro (summed before) keep them; weighted weights by support tp + fn;
-- macro is the plain mean. No weight at all gives 0.
local function average(score, c, opt)
  local avg = opt.average
  if avg == "micro" or avg == nil or avg == "none" or avg == "None" then return score end
  local w = avg == "weighted" and column(c, 2) + column(c, 3) or tensor.ones_like(score)
  return ratio(w * score, w:sum(-1, true)):sum(-1)
end

local stats = statscores.class_stats("multilabel", confusion)

return {
  binarized = binarized, confusion_matrix = confusion_matrix,
  accumulated = stats.accumulated, average = average, stat_options = stats.stat_options,
  stat_states = stats.stat_states, stat_update = stats.stat_update, counts = stats.counts,
  column = column, ratio = ratio, normalized = normalized,
}
