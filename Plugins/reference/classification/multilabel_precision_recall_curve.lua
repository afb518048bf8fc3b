-- Reference: precision-recall curves of multilabel scores (TorchMetrics'
-- multilabel_precision_recall_curve), one [precision, recall, thresholds] per
-- label (binned: stacked [L, T] values and the thresholds); ignored targets
-- are left out of their label's curve.
local curves = metric.import("curves")

return metric.define {
  name = "multilabel_precision_recall_curve",
  summary = "precision-recall curve of every label of multilabel scores (reference)",
  options = curves.curve_options("multilabel"),
  states = curves.CAT_STATES,
  update = curves.curve_update("multilabel"),

  compute = function(s, opt) return curves.task_curves("multilabel", s, opt, curves.pr_curve, false) end,
}
