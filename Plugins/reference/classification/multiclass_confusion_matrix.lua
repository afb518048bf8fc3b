-- Reference: multiclass confusion matrix [C, C]: cell (i, j) counts positions
-- of target class i predicted as class j; int64, or float32 ratios with
-- normalize. Predictions are the argmax of (N, C, ...) scores (NaN counts as
-- the largest) or (N, ...) integer labels. Positions whose target is
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

return metric.define {
  name = "multiclass_confusion_matrix",
  summary = "multiclass confusion matrix (reference)",
  options = {
    num_classes = metric.required("int"),
    ignore_index = metric.optional("int"),
    normalize = metric.optional("any"),
    validate_args = true,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local nz = opt.normalize
    metric.check(nz == nil or type(nz) == "boolean" or nz == "true" or nz == "pred" or nz == "all" or nz == "none" or nz == "None",
      "normalize", "true, pred, all or none")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    return normalized(s.confmat, opt.normalize)
  end,
}
