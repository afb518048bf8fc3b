-- Reference: binary Cohen's kappa, agreement of thresholded predictions with
-- the targets beyond chance, from the 2 x 2 confusion matrix. Float preds are
-- thresholded (preds > threshold) after a sigmoid when the kept positions hold
-- a value outside [0, 1] or NaN (logits, decided per batch unless input_format
-- fixes the reading); integer preds are 0/1 labels. Positions whose target is
-- ignore_index are left out.
local binary = metric.import("binary")

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
    s.confmat = s.confmat + binary.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    return kappa(s.confmat:double(), opt.weights):float()
  end,
}
