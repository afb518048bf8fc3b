-- Reference: sensitivity at specificity (TorchMetrics'
-- binary_sensitivity_at_specificity): over the ROC points with specificity
-- 1 - fpr >= min_specificity, the first with the largest tpr;
-- [sensitivity, threshold]. No such point: 0 and threshold 1e6.
local curves = metric.import("curves")

local function best(curve, bound)
  local constrained, value, t = 1 - curve[1], curve[2], curve[3]
  local ok = constrained:ge(curves.bound_of(bound))
  if not ok:any() then return tensor.zeros({}, "float32"), tensor.scalar(1e6, t:dtype()) end
  local at = ok:nonzero():reshape(-1):index_select(0, value:masked_select(ok):argmax():reshape(1))
  return value:index_select(0, at):reshape({}), t:index_select(0, at):reshape({})
end

return metric.define {
  name = "binary_sensitivity_at_specificity",
  summary = "highest sensitivity with specificity >= min_specificity, and its threshold (reference)",
  higher_is_better = true,
  options = {
    min_specificity = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
    normalization = metric.optional("any", "sigmoid"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_specificity >= 0 and opt.min_specificity <= 1, "min_specificity", "a number in [0, 1]")
    curves.append(s, curves.binary_batch(preds, target, opt, curves.check_common(opt, true)))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local curve = (curves.roc_curve(p, t, curves.threshold_tensor(opt), t:sum():item() == 0))
    local value, threshold = best(curve, opt.min_specificity)
    return { value, threshold }
  end,
}
