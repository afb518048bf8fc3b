-- Reference: ROC curves of multilabel scores (TorchMetrics' multilabel_roc),
-- one [fpr, tpr, thresholds] per label (binned: stacked [L, T] rates and the
-- thresholds); ignored targets are left out of their label's curve.
local curves = metric.import("curves")

return metric.define {
  name = "multilabel_roc",
  summary = "ROC curve of every label of multilabel scores (reference)",
  options = curves.curve_options("multilabel"),
  states = curves.CAT_STATES,
  update = curves.curve_update("multilabel"),

  compute = function(s, opt) return curves.task_curves("multilabel", s, opt, curves.roc_curve, true) end,
}
