-- Reference: multilabel confusion matrices [L, 2, 2], per label
-- [[tn, fp], [fn, tp]]; int64, or float32 ratios with normalize (within each
-- label). preds and target are (N, L, ...); float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (unless input_format fixes the reading); integer preds are 0/1
-- labels. Positions whose target is ignore_index are left out.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

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

-- Per label 2 x 2 confusion matrices [[tn, fp], [fn, tp]] of one batch
-- (int64 [L, 2, 2]): a bincount of 4 * label + 2 * target + prediction over
-- the positions whose target is not ignore_index.
local function confusion(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = binarized(preds, target, opt)
  local n = p:size(0)
  local inner = n > 0 and p:numel() // (n * L) or 0
  local code = (tensor.arange(L):reshape(1, L, 1) * 4 + t:reshape(n, L, inner) * 2 + p:reshape(n, L, inner)):flatten()
  if keep then code = code:masked_select(keep:flatten()) end
  return code:bincount(nil, 4 * L):reshape(L, 2, 2)
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
  name = "multilabel_confusion_matrix",
  summary = "multilabel confusion matrix (reference)",
  options = {
    num_labels = metric.required("int"),
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    normalize = metric.optional("any"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    local nz = opt.normalize
    metric.check(nz == nil or type(nz) == "boolean" or nz == "true" or nz == "pred" or nz == "all" or nz == "none" or nz == "None",
      "normalize", "true, pred, all or none")
    return { { "confmat", tensor.zeros({ opt.num_labels, 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    return normalized(s.confmat, opt.normalize)
  end,
}
