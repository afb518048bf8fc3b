-- Reference: multiclass Matthews correlation coefficient (Gorodkin's R_K) of
-- the C x C confusion matrix; 0 when the denominator is 0. Predictions are the
-- argmax of (N, C, ...) scores (NaN counts as the largest) or (N, ...) integer
-- labels. Positions whose target is ignore_index are left out.
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

-- Matthews correlation coefficient of a k x k confusion matrix (TorchMetrics'
-- _matthews_corrcoef_reduce): with row sums t (targets), column sums p
-- (predictions), trace c and total s, (c s - sum(t p)) / sqrt((s^2 - sum(p^2))
-- (s^2 - sum(t^2))). A 2 x 2 matrix with every sample right is 1, with every
-- sample wrong -1; a zero denominator gives 0, except that a 2 x 2 matrix
-- then uses eps (float32 machine epsilon) on each marginal and a numerator
-- chosen by which cells are empty.
local function matthews(m)
  local k = m:size(0)
  local tn, fp, fn, tp
  if k == 2 then
    tn, fp, fn, tp = table.unpack(m:flatten():tolist())
    if tp + tn ~= 0 and fp + fn == 0 then return 1 end
    if tp + tn == 0 and fp + fn ~= 0 then return -1 end
  end
  local t, p = m:sum(1), m:sum(0)
  local c = m:flatten():index_select(0, tensor.arange(0, k * k, k + 1)):sum():item()
  local s = m:sum():item()
  local num = c * s - (t * p):sum():item()
  local den = (s * s - (p * p):sum():item()) * (s * s - (t * t):sum():item())
  if den ~= 0 then return num / math.sqrt(den) end
  if k ~= 2 then return 0 end
  local eps = 2 ^ -23
  if fn == 0 and tn == 0 then num = math.sqrt(eps) * (tp - fp)
  elseif fp == 0 and tn == 0 then num = math.sqrt(eps) * (tp - fn)
  elseif tp == 0 and fn == 0 then num = math.sqrt(eps) * (tn - fp)
  elseif tp == 0 and fp == 0 then num = math.sqrt(eps) * (tn - fn)
  elseif tp == 0 then num = tn - fp * fn
  elseif tn == 0 then num = tp - fp * fn
  elseif fp == 0 or fn == 0 then num = tp * tn
  else return 0 end
  return num / math.sqrt((tp + fp + eps) * (tp + fn + eps) * (tn + fp + eps) * (tn + fn + eps))
end

return metric.define {
  name = "multiclass_matthews_corrcoef",
  summary = "multiclass Matthews correlation coefficient (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    ignore_index = metric.optional("int"),
    validate_args = true,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    return tensor.scalar(matthews(s.confmat:double()), "float32")
  end,
}
