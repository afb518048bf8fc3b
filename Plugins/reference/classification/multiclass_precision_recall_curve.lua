-- Reference: one-vs-rest precision-recall curves of multiclass scores
-- (TorchMetrics' multiclass_precision_recall_curve). average None: one
-- [precision, recall, thresholds] per class (binned: stacked [C, T] values and
-- the thresholds); micro: one curve over every (sample, class) pair with
-- one-hot targets; macro: every class's points pooled (recall ascending),
-- precision the mean of the classes' interpolated precision.
local curves = metric.import("curves")

return metric.define {
  name = "multiclass_precision_recall_curve",
  summary = "one-vs-rest precision-recall curves of multiclass scores (reference)",
  options = curves.curve_options("multiclass"),
  states = curves.CAT_STATES,
  update = curves.curve_update("multiclass"),

  compute = function(s, opt) return curves.task_curves("multiclass", s, opt, curves.pr_curve, false) end,
}
