-- Reference: binary equal error rate (TorchMetrics' binary_eer): on the ROC
-- curve, the point where the false positive rate is closest to the false
-- negative rate 1 - tpr, and the mean of the two there. A float32 scalar.
local curves = metric.import("curves")

-- EER of one ROC curve: at the first point where fpr is closest to the
-- false negative rate 1 - tpr, their mean (float32, like TorchMetrics).
local function eer(curve)
  local fpr, fnr = curve[1], 1 - curve[2]
  local at = (fpr - fnr):abs():argmin():reshape(1)
  return ((fpr:index_select(0, at) + fnr:index_select(0, at)) / 2):reshape({}):float()
end

return metric.define {
  name = "binary_eer",
  summary = "equal error rate of binary scores (reference)",
  higher_is_better = false,
  options = {
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"), normalization = metric.optional("any", "sigmoid"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.append(s, curves.binary_batch(preds, target, opt, curves.check_common(opt, true)))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    return eer((curves.roc_curve(p, t, curves.threshold_tensor(opt))))
  end,
}
