-- Machinery shared by the reference multiclass stat-score scripts
-- (accuracy, precision, recall, F-scores, specificity, negative predictive
-- value, Hamming distance, stat scores, exact match, confusion matrix,
-- Cohen's kappa, Jaccard index, Matthews correlation): reading a batch as
-- predicted labels (argmax or top_k of scores, or labels), per-class
-- [tn, fp, fn, tp] counts, the C x C confusion matrix, and the class
-- averaging. Each script keeps the formula of its own metric.
local statscores = metric.import("statscores")
local is_float, within, column, ratio = statscores.is_float, statscores.within, statscores.column, statscores.ratio
local normalized = statscores.normalized

-- The predicted labels of one batch and the (N, ...) targets, checked: the
-- argmax of (N, C, ...) scores (NaN counts as the largest), replaced by the
-- target when the target is among the top_k scores; or (N, ...) labels. A
-- 0-dim target and label are one sample, as for the native metric
-- (TorchMetrics rejects 0-dim inputs).
local function predicted_labels(preds, target, opt, top_k)
  local C = opt.num_classes
  local ps, ts = preds:shape(), target:shape()
  local samplewise = opt.multidim_average == "samplewise"
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  local t = target:long()
  if #ps == #ts + 1 then
    metric.check(is_float(preds), "preds", "a float tensor of scores when it has one more dimension than target")
    metric.check(ps[2] == C, "preds", "shape (N, C, ...) with C = num_classes on axis 1")
    metric.check(ps[1] == ts[1], "preds", "shape (N, C, ...) matching target (N, ...)")
    for i = 2, #ts do metric.check(ps[i + 1] == ts[i], "preds", "shape (N, C, ...) matching target (N, ...)") end
    metric.check(not samplewise or #ps >= 3, "preds", "at least 3 dimensions (N, C, ...) for multidim_average='samplewise'")
    local p = preds:argmax(1)
    if top_k > 1 then
      local _, best = preds:topk(top_k, 1)
      p = tensor.where(best:eq(t:unsqueeze(1)):any(1), t, p)
    end
    return p, t
  end
  metric.check(#ps == #ts, "preds", "shape (N, ...) like target or (N, C, ...)")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  metric.check(top_k == 1, "preds", "float scores of shape (N, C, ...) when top_k > 1")
  metric.check(not samplewise or #ps >= 2, "preds", "at least 2 dimensions (N, ...) for multidim_average='samplewise'")
  metric.check(not is_float(preds) or preds:eq(preds:floor()):all(), "preds", "integer labels")
  local p = preds:long()
  metric.check(within(p, 0, C - 1), "preds", "class labels in [0, num_classes)")
  if #ts == 0 then return p:reshape(1), t:reshape(1) end
  return p, t
end

-- Per class [tn, fp, fn, tp] of one batch: int64 [C, 4], or [N, C, 4]
-- samplewise; per-row-and-class counts are bincounts of row * C + label.
local function confusion(preds, target, opt)
  local C = opt.num_classes
  local p, t = predicted_labels(preds, target, opt, opt.top_k)
  local samplewise = opt.multidim_average == "samplewise"
  local rows = samplewise and t:size(0) or 1
  local inner = rows > 0 and t:numel() // rows or 0
  local base = samplewise and (tensor.arange(rows) * C):reshape(rows, 1) or 0
  local tc, pc = (t:reshape(rows, inner) + base):flatten(), (p:reshape(rows, inner) + base):flatten()
  t = t:flatten()
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index)
    t, tc, pc = t:masked_select(keep), tc:masked_select(keep), pc:masked_select(keep)
  end
  metric.check(within(t, 0, C - 1), "target", "class labels in [0, num_classes) or ignore_index")
  local n = rows * C
  local tp = tc:bincount(tc:eq(pc):double(), n):long()
  local predicted, actual = pc:bincount(nil, n), tc:bincount(nil, n)
  local counted = (tc // C):bincount(nil, rows):reshape(rows, 1)
  local cells = tensor.stack({ counted - (predicted + actual - tp):reshape(rows, C), (predicted - tp):reshape(rows, C),
    (actual - tp):reshape(rows, C), tp:reshape(rows, C) }, 2)
  return samplewise and cells or cells:squeeze(0)
end

-- The C x C confusion matrix of one batch (rows: target, columns:
-- prediction): a bincount of C * target + prediction over the positions
-- whose target is not ignore_index.
local function confusion_matrix(preds, target, opt)
  local C = opt.num_classes
  local p, t = predicted_labels(preds, target, opt, 1)
  t, p = t:flatten(), p:flatten()
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index)
    t, p = t:masked_select(keep), p:masked_select(keep)
  end
  metric.check(within(t, 0, C - 1), "target", "class labels in [0, num_classes) or ignore_index")
  return (t * C + p):bincount(nil, C * C):reshape(C, C)
end

-- Reduces per-class scores over the class axis by `average` (TorchMetrics'
-- _adjust_weights_safe_divide): none and micro (summed before) keep them;
-- weighted weights by support tp + fn; macro weights 1 the classes present
-- in preds or target (tp + fp + fn > 0), or with `by_target` and top_k > 1
-- those present in target (tp + fn > 0). No weight at all gives 0.
local function average(score, c, opt, by_target)
  local avg = opt.average
  if avg == "micro" or avg == nil or avg == "none" or avg == "None" then return score end
  local fp, fn, tp = column(c, 1), column(c, 2), column(c, 3)
  local w
  if avg == "weighted" then w = tp + fn
  elseif by_target and opt.top_k > 1 then w = (tp + fn):gt(0):double()
  else w = (tp + fp + fn):gt(0):double() end
  return ratio(w * score, w:sum(-1, true)):sum(-1)
end

local stats = statscores.class_stats("multiclass", confusion)

return {
  predicted_labels = predicted_labels, confusion_matrix = confusion_matrix,
  accumulated = stats.accumulated, average = average, stat_options = stats.stat_options,
  stat_states = stats.stat_states, stat_update = stats.stat_update, counts = stats.counts,
  within = within, column = column, ratio = ratio, normalized = normalized,
}
