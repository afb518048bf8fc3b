-- Reference: specificity at sensitivity (TorchMetrics'
-- binary_specificity_at_sensitivity): over the ROC points with tpr >=
-- min_sensitivity, the first with the largest specificity 1 - fpr;
-- [specificity, threshold]. No such point: 0 and threshold 1e6.
local curves = metric.import("curves")

local function best(curve, bound)
  local constrained, value, t = curve[2], 1 - curve[1], curve[3]
  local ok = constrained:ge(curves.bound_of(bound))
  if not ok:any() then return tensor.zeros({}, "float32"), tensor.scalar(1e6, t:dtype()) end
  local at = ok:nonzero():reshape(-1):index_select(0, value:masked_select(ok):argmax():reshape(1))
  return value:index_select(0, at):reshape({}), t:index_select(0, at):reshape({})
end

return metric.define {
  name = "binary_specificity_at_sensitivity",
  summary = "highest specificity with sensitivity >= min_sensitivity, and its threshold (reference)",
  higher_is_better = true,
  options = {
    min_sensitivity = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
    normalization = metric.optional("any", "sigmoid"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_sensitivity >= 0 and opt.min_sensitivity <= 1, "min_sensitivity", "a number in [0, 1]")
    curves.append(s, curves.binary_batch(preds, target, opt, curves.check_common(opt, true)))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local curve = (curves.roc_curve(p, t, curves.threshold_tensor(opt), t:sum():item() == 0))
    local value, threshold = best(curve, opt.min_sensitivity)
    return { value, threshold }
  end,
}
