-- Reference: multiclass exact match, the fraction of samples whose every
-- position is predicted right (positions whose target is ignore_index count as
-- right); samplewise: 1 or 0 per sample. 0 when nothing is counted.
-- Predictions are the argmax of (N, C, ...) scores (NaN counts as the largest)
-- or (N, ...) integer labels.
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

-- Per sample of one batch: the positions predicted right (a position whose
-- target is ignore_index counts as right) and the positions, int64 [N] each.
-- A multiclass sample is right when all its positions are.
local function matches(preds, target, opt)
  local p, t = predicted_labels(preds, target, opt, 1)
  local right = p:eq(t)
  if opt.ignore_index ~= nil then
    local ignored = t:eq(opt.ignore_index)
    right = right:logical_or(ignored)
    t = t:masked_select(ignored:logical_not())
  end
  metric.check(within(t, 0, opt.num_classes - 1), "target", "class labels in [0, num_classes) or ignore_index")
  local n = right:size(0)
  local whole = right:reshape(n, n > 0 and right:numel() // n or 0):all(1):long()
  return whole, tensor.ones({ n }, "int64")
end

local function ratio(num, den, zero) return tensor.where(den:eq(0), zero or 0, num / den) end

return metric.define {
  name = "multiclass_exact_match",
  summary = "multiclass exact match (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    if opt.multidim_average == "samplewise" then return { { "correct", "cat" }, { "total", "cat" } } end
    return { { "correct", tensor.zeros({}, "int64"), "sum" }, { "total", tensor.zeros({}, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local correct, total = matches(preds, target, opt)
    if opt.multidim_average == "samplewise" then
      table.insert(s.correct, correct)
      table.insert(s.total, total)
    else
      s.correct = s.correct + correct:sum()
      s.total = s.total + total:sum()
    end
  end,

  compute = function(s, opt)
    local correct, total = s.correct, s.total
    if opt.multidim_average == "samplewise" then
      if #correct == 0 then return tensor.zeros({ 0 }) end
      correct, total = tensor.cat(correct), tensor.cat(total)
    end
    return ratio(correct:double(), total:double()):float()
  end,
}
