-- Reference: multilabel equal error rate (TorchMetrics' multilabel_eer): the
-- EER of every label's ROC curve (ignored targets left out), [L] float32.
local curves = metric.import("curves")

-- EER of one ROC curve: at the first point where fpr is closest to the
-- false negative rate 1 - tpr, their mean (float32, like TorchMetrics).
local function eer(curve)
  local fpr, fnr = curve[1], 1 - curve[2]
  local at = (fpr - fnr):abs():argmin():reshape(1)
  return ((fpr:index_select(0, at) + fnr:index_select(0, at)) / 2):reshape({}):float()
end

return metric.define {
  name = "multilabel_eer",
  summary = "equal error rate of every label of multilabel scores (reference)",
  higher_is_better = false,
  options = {
    num_labels = metric.required("int"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    curves.append(s, curves.multilabel_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_labels
    local values = {}
    for c = 0, k - 1 do
      local cs, ct = curves.column("multilabel", p, t, c, k)
      values[c + 1] = eer((curves.roc_curve(cs, ct, thr)))
    end
    return tensor.stack(values)
  end,
}
