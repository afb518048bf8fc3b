-- Reference: binary precision-recall curve [precision, recall, thresholds]
-- (TorchMetrics' binary_precision_recall_curve). Exact mode: thresholds every
-- distinct score ascending; precision tp / (tp + fp), recall tp / positives
-- (1 everywhere when no target is positive), then the point (1, 0). Binned
-- mode: the same at the given thresholds, 0/0 as NaN.
local curves = metric.import("curves")

return metric.define {
  name = "binary_precision_recall_curve",
  summary = "precision-recall curve of binary scores (reference)",
  options = curves.curve_options("binary"),
  states = curves.CAT_STATES,
  update = curves.curve_update("binary"),

  compute = function(s, opt) return curves.task_curves("binary", s, opt, curves.pr_curve, false) end,
}
