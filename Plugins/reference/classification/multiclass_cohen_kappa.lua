-- Reference: multiclass Cohen's kappa, agreement of predictions with the
-- targets beyond chance, from the C x C confusion matrix. Predictions are the
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

-- Cohen's kappa of a k x k confusion matrix m (TorchMetrics'
-- _cohen_kappa_reduce): 1 - sum(w m) / sum(w e) with e = outer(row sums,
-- column sums) / total the counts expected by chance and disagreement
-- weights w: 1 off the diagonal (none), |i - j| (linear) or (i - j)^2
-- (quadratic). NaN when the expected disagreement is 0 (one class only, or
-- nothing counted), as in TorchMetrics.
local function kappa(m, weights)
  local k = m:size(0)
  local expected = m:sum(1, true) * m:sum(0, true) / m:sum()
  local idx = tensor.arange(k):double()
  local d = idx:reshape(k, 1) - idx:reshape(1, k)
  local w
  if weights == "linear" then w = d:abs()
  elseif weights == "quadratic" then w = d * d
  else w = d:ne(0):double() end
  return 1 - (w * m):sum() / (w * expected):sum()
end

return metric.define {
  name = "multiclass_cohen_kappa",
  summary = "multiclass Cohen's kappa (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    ignore_index = metric.optional("int"),
    weights = metric.optional("string"),
    validate_args = true,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local w = opt.weights
    metric.check(w == nil or w == "linear" or w == "quadratic" or w == "none" or w == "None", "weights", "linear, quadratic or none")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    return kappa(s.confmat:double(), opt.weights):float()
  end,
}
