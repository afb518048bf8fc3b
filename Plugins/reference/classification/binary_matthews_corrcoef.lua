-- Reference: binary Matthews correlation coefficient, in [-1, 1], of the 2 x 2
-- confusion matrix of thresholded predictions; 0 when nothing is counted.
-- Float preds are thresholded (preds > threshold) after a sigmoid when the
-- kept positions hold a value outside [0, 1] or NaN (logits, decided per batch
-- unless input_format fixes the reading); integer preds are 0/1 labels.
-- Positions whose target is ignore_index are left out.
local binary = metric.import("binary")

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
  name = "binary_matthews_corrcoef",
  summary = "binary Matthews correlation coefficient (reference)",
  higher_is_better = true,
  options = {
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    return { { "confmat", tensor.zeros({ 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + binary.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    return tensor.scalar(matthews(s.confmat:double()), "float32")
  end,
}
