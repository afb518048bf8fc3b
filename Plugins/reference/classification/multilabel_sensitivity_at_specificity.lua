-- Reference: sensitivity at specificity (TorchMetrics'
-- multilabel_sensitivity_at_specificity): over the ROC points with specificity
-- 1 - fpr >= min_specificity, the first with the largest tpr;
-- [sensitivity, threshold]. No such point: 0 and threshold 1e6.
local curves = metric.import("curves")
local points = metric.import("operating_points")

return metric.define {
  name = "multilabel_sensitivity_at_specificity",
  summary = "highest sensitivity with specificity >= min_specificity, and its threshold (reference)",
  higher_is_better = true,
  options = points.options("multilabel", "min_specificity"),
  states = points.STATES,
  update = points.update("multilabel", "min_specificity"),

  compute = function(s, opt)
    return points.compute("multilabel", s, opt, curves.roc_curve, points.sensitivity_at_specificity, opt.min_specificity)
  end,
}
