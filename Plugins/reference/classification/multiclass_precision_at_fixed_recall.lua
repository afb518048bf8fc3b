-- Reference: precision at fixed recall (TorchMetrics' multiclass_precision_at_fixed_recall):
-- over the precision-recall points that have a threshold and recall >=
-- min_recall, the largest (precision, recall, threshold) in Python's tuple
-- order; [precision, threshold]. No such point, or a best precision of 0:
-- precision 0 and a NaN threshold.
local curves = metric.import("curves")
local points = metric.import("operating_points")

return metric.define {
  name = "multiclass_precision_at_fixed_recall",
  summary = "highest precision with recall >= min_recall, and its threshold (reference)",
  higher_is_better = true,
  options = points.options("multiclass", "min_recall"),
  states = points.STATES,
  update = points.update("multiclass", "min_recall"),

  compute = function(s, opt)
    return points.compute("multiclass", s, opt, curves.pr_curve, points.precision_at_recall, opt.min_recall)
  end,
}
