-- Reference: one-vs-rest average precision of multiclass scores
-- (TorchMetrics' multiclass_average_precision): each class's
-- -sum((R[i+1] - R[i]) * P[i]), reduced by average: macro (default), weighted
-- by each class's number of targets, none per class. Exact mode: a class
-- without targets is NaN (left out of macro/weighted); binned: NaN as 0.
local curves = metric.import("curves")
local areas = metric.import("areas")

return metric.define {
  name = "multiclass_average_precision",
  summary = "one-vs-rest average precision of multiclass scores (reference)",
  higher_is_better = true,
  options = areas.options("multiclass"),
  states = curves.CAT_STATES,
  update = areas.update("multiclass"),

  compute = function(s, opt) return areas.reduced("multiclass", s, opt, areas.ap_score) end,
}
