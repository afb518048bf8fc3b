-- Reference: one-vs-rest AUROC of multiclass scores (TorchMetrics'
-- multiclass_auroc): each class's trapezoidal ROC area, reduced by average:
-- macro (default) the mean, weighted by each class's number of targets,
-- none per class. NaN areas are left out of macro/weighted.
local curves = metric.import("curves")
local areas = metric.import("areas")

return metric.define {
  name = "multiclass_auroc",
  summary = "one-vs-rest area under the ROC curve (reference)",
  higher_is_better = true,
  options = areas.options("multiclass"),
  states = curves.CAT_STATES,
  update = areas.update("multiclass"),

  compute = function(s, opt) return areas.reduced("multiclass", s, opt, areas.roc_area) end,
}
