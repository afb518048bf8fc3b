-- Reference: recall at fixed precision (TorchMetrics' multiclass_recall_at_fixed_precision):
-- over the precision-recall points that have a threshold and precision >=
-- min_precision, the largest recall (ties: higher precision, then higher
-- threshold); [recall, threshold]. No such point, or a best recall of 0:
-- recall 0 and a NaN threshold.
local curves = metric.import("curves")
local points = metric.import("operating_points")

return metric.define {
  name = "multiclass_recall_at_fixed_precision",
  summary = "highest recall with precision >= min_precision, and its threshold (reference)",
  higher_is_better = true,
  options = points.options("multiclass", "min_precision"),
  states = points.STATES,
  update = points.update("multiclass", "min_precision"),

  compute = function(s, opt)
    return points.compute("multiclass", s, opt, curves.pr_curve, points.recall_at_precision, opt.min_precision)
  end,
}
