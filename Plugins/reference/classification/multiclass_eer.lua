-- Reference: multiclass equal error rate (TorchMetrics' multiclass_eer) on
-- the one-vs-rest ROC curves: per class [C] with average None (default); a
-- scalar for the micro curve (every (sample, class) pair) or the macro curve
-- (points pooled, tpr the mean of the interpolated tpr).
local curves = metric.import("curves")

-- EER of one ROC curve: at the first point where fpr is closest to the
-- false negative rate 1 - tpr, their mean (float32, like TorchMetrics).
local function eer(curve)
  local fpr, fnr = curve[1], 1 - curve[2]
  local at = (fpr - fnr):abs():argmin():reshape(1)
  return ((fpr:index_select(0, at) + fnr:index_select(0, at)) / 2):reshape({}):float()
end

return metric.define {
  name = "multiclass_eer",
  summary = "equal error rate of multiclass scores (reference)",
  higher_is_better = false,
  options = {
    num_classes = metric.required("int"), average = metric.optional("any"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local a = opt.average
    metric.check(a == nil or a == "micro" or a == "macro" or a == "none" or a == "None", "average", "one of micro, macro, none")
    curves.append(s, curves.multiclass_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_classes
    if opt.average == "micro" then
      local ms, mt = curves.column("multiclass", p, t, nil, k)
      return eer((curves.roc_curve(ms, mt, thr)))
    end
    local per_class = {}
    for c = 0, k - 1 do
      local cs, ct = curves.column("multiclass", p, t, c, k)
      per_class[c + 1] = curves.roc_curve(cs, ct, thr)
    end
    if opt.average == "macro" then return eer(curves.macro_curve(per_class, true)) end
    local values = {}
    for i, c in ipairs(per_class) do values[i] = eer(c) end
    return tensor.stack(values)
  end,
}
