-- Reference: sensitivity at specificity (TorchMetrics'
-- multiclass_sensitivity_at_specificity): over the ROC points with specificity
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
  name = "multiclass_sensitivity_at_specificity",
  summary = "highest sensitivity with specificity >= min_specificity, and its threshold (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"), min_specificity = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_specificity >= 0 and opt.min_specificity <= 1, "min_specificity", "a number in [0, 1]")
    curves.check_common(opt, false)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    curves.append(s, curves.multiclass_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_classes
    local values, thresholds = {}, {}
    for c = 0, k - 1 do
      local cs, ct, zero = curves.column("multiclass", p, t, c, k)
      values[c + 1], thresholds[c + 1] = best((curves.roc_curve(cs, ct, thr, zero)), opt.min_specificity)
    end
    return { tensor.stack(values), tensor.stack(thresholds) }
  end,
}
