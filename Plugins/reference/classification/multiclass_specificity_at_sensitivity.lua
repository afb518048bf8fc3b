-- Reference: specificity at sensitivity (TorchMetrics'
-- multiclass_specificity_at_sensitivity): over the ROC points with tpr >=
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
  name = "multiclass_specificity_at_sensitivity",
  summary = "highest specificity with sensitivity >= min_sensitivity, and its threshold (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"), min_sensitivity = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_sensitivity >= 0 and opt.min_sensitivity <= 1, "min_sensitivity", "a number in [0, 1]")
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
      values[c + 1], thresholds[c + 1] = best((curves.roc_curve(cs, ct, thr, zero)), opt.min_sensitivity)
    end
    return { tensor.stack(values), tensor.stack(thresholds) }
  end,
}
