-- Reference: one-vs-rest ROC curves of multiclass scores (TorchMetrics'
-- multiclass_roc). average None: one [fpr, tpr, thresholds] per class
-- (binned: stacked [C, T] rates and the thresholds); micro: one curve over
-- every (sample, class) pair with one-hot targets; macro: every class's
-- points pooled, tpr the mean of the classes' interpolated tpr.
local curves = metric.import("curves")

return metric.define {
  name = "multiclass_roc",
  summary = "one-vs-rest ROC curves of multiclass scores (reference)",
  options = curves.curve_options("multiclass"),
  states = curves.CAT_STATES,
  update = curves.curve_update("multiclass"),

  compute = function(s, opt) return curves.task_curves("multiclass", s, opt, curves.roc_curve, true) end,
}
