-- Reference: specificity at sensitivity (TorchMetrics'
-- multilabel_specificity_at_sensitivity): over the ROC points with tpr >=
-- min_sensitivity, the first with the largest specificity 1 - fpr;
-- [specificity, threshold]. No such point: 0 and threshold 1e6.
local curves = metric.import("curves")
local points = metric.import("operating_points")

return metric.define {
  name = "multilabel_specificity_at_sensitivity",
  summary = "highest specificity with sensitivity >= min_sensitivity, and its threshold (reference)",
  higher_is_better = true,
  options = points.options("multilabel", "min_sensitivity"),
  states = points.STATES,
  update = points.update("multilabel", "min_sensitivity"),

  compute = function(s, opt)
    return points.compute("multilabel", s, opt, curves.roc_curve, points.specificity_at_sensitivity, opt.min_sensitivity)
  end,
}
