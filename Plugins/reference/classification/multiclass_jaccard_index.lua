-- Reference: multiclass Jaccard index, per class tp / (tp + fp + fn) from the
-- C x C confusion matrix, reduced by average (macro: over the classes present
-- in preds or target). Predictions are the argmax of (N, C, ...) scores (NaN
-- counts as the largest) or (N, ...) integer labels. Positions whose target is
-- ignore_index are left out.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

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

-- The C x C confusion matrix of one batch (rows: target, columns:
-- prediction): a bincount of C * target + prediction over the positions
-- whose target is not ignore_index.
local function confusion(preds, target, opt)
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

-- Reduces per-class intersections `num` and unions `den` by `average`
-- (TorchMetrics' _jaccard_index_reduce): micro sum(num) / sum(den); none
-- num / den per class (0/0 is zero_division); weighted weights by `support`,
-- macro weights 1 the classes in `present` (all when nil); both divide
-- without a guard, as TorchMetrics does (NaN when no class has weight). The
-- class `ignored` (multiclass ignore_index in [0, C)) is left out of the micro
-- denominator and of macro.
local function jaccard(num, den, support, present, ignored, opt)
  local k = num:size(0)
  local kept = ignored and tensor.arange(k):ne(ignored):double() or tensor.ones({ k }, "float64")
  local avg = opt.average
  if avg == "micro" then
    local total = (den * kept):sum()
    return tensor.where(total:eq(0), opt.zero_division, num:sum() / total):float()
  end
  local score = tensor.where(den:eq(0), opt.zero_division, num / den)
  if avg == nil or avg == "none" or avg == "None" then return score:float() end
  local w = avg == "weighted" and support or (present or tensor.ones({ k }, "float64")) * kept
  return (w * score / w:sum()):sum():float()
end

return metric.define {
  name = "multiclass_jaccard_index",
  summary = "multiclass Jaccard index (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    average = metric.optional("string", "macro"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local avg = opt.average
    metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
      "average", "micro, macro, weighted or none")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    local m, k = s.confmat:double(), opt.num_classes
    local t, p = m:sum(1), m:sum(0)
    local tp = m:flatten():index_select(0, tensor.arange(0, k * k, k + 1))
    local ii = opt.ignore_index
    local ignored = ii ~= nil and ii >= 0 and ii < k and ii or nil
    return jaccard(tp, t + p - tp, t, (t + p):gt(0):double(), ignored, opt)
  end,
}
