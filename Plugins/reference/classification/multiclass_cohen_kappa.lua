-- Reference: multiclass Cohen's kappa, agreement of predictions with the
-- targets beyond chance, from the C x C confusion matrix. Predictions are the
-- argmax of (N, C, ...) scores (NaN counts as the largest) or (N, ...) integer
-- labels. Positions whose target is ignore_index are left out.
-- Cohen's kappa of a k x k confusion matrix m (TorchMetrics'
-- _cohen_kappa_reduce): 1 - sum(w m) / sum(w e) with e = outer(row sums,
-- column sums) / total the counts expected by chance and disagreement
-- weights w: 1 off the diagonal (none), |i - j| (linear) or (i - j)^2
-- (quadratic). NaN when the expected disagreement is 0 (one class only, or
-- nothing counted), as in TorchMetrics.
local multiclass = metric.import("multiclass")

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
    s.confmat = s.confmat + multiclass.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    return kappa(s.confmat:double(), opt.weights):float()
  end,
}
