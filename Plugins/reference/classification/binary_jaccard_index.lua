-- Reference: binary Jaccard index, tp / (tp + fp + fn), the overlap of
-- predicted and actual positives over their union; zero_division (0 or 1) when
-- both are empty. Float preds are thresholded (preds > threshold) after a
-- sigmoid when the kept positions hold a value outside [0, 1] or NaN (logits,
-- decided per batch unless input_format fixes the reading); integer preds are
-- 0/1 labels. Positions whose target is ignore_index are left out.
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

return metric.define {
  name = "binary_jaccard_index",
  summary = "binary Jaccard index (reference)",
  higher_is_better = true,
  options = {
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    return { { "confmat", tensor.zeros({ 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + confusion(preds, target, opt)
  end,

  compute = function(s, opt)
    local m = s.confmat:double():flatten()
    local fp, fn, tp = m:slice(0, 1, 2):squeeze(0), m:slice(0, 2, 3):squeeze(0), m:slice(0, 3, 4):squeeze(0)
    return tensor.where((tp + fp + fn):eq(0), opt.zero_division, tp / (tp + fp + fn)):float()
  end,
}
