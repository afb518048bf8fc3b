-- Reference: binary Cohen's kappa, agreement of thresholded predictions with
-- the targets beyond chance, from the 2 x 2 confusion matrix. Float preds are
-- thresholded (preds > threshold) after a sigmoid when the kept positions hold
-- a value outside [0, 1] or NaN (logits, decided per batch unless input_format
-- fixes the reading); integer preds are 0/1 labels. Positions whose target is
-- ignore_index are left out.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

-- The 2 x 2 confusion matrix [[tn, fp], [fn, tp]] of one batch (rows:
-- target), built like TorchMetrics' confusion-matrix path: positions whose
-- target is ignore_index are dropped first (so the logit test sees only the
-- others), then a bincount of 2 * target + prediction.
local function confusion(preds, target, opt)
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
  name = "binary_cohen_kappa",
  summary = "binary Cohen's kappa (reference)",
  higher_is_better = true,
  options = {
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    weights = metric.optional("string"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    local w = opt.weights
    metric.check(w == nil or w == "linear" or w == "quadratic" or w == "none" or w == "None", "weights", "linear, quadratic or none")
    return { { "confmat", tensor.zeros({ 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    return kappa(s.confmat:double(), opt.weights):float()
  end,
}
