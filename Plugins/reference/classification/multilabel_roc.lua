-- Reference: ROC curves of multilabel scores (TorchMetrics' multilabel_roc),
-- one [fpr, tpr, thresholds] per label (binned: stacked [L, T] rates and the
-- thresholds); ignored targets are left out of their label's curve.
local curves = metric.import("curves")

return metric.define {
  name = "multilabel_roc",
  summary = "ROC curve of every label of multilabel scores (reference)",
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
    local per_label = {}
    for c = 0, k - 1 do
      local cs, ct = curves.column("multilabel", p, t, c, k)
      per_label[c + 1] = curves.roc_curve(cs, ct, thr)
    end
    return curves.per_column(per_label, thr ~= nil)
  end,
}
