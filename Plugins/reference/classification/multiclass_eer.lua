-- Reference: multiclass equal error rate (TorchMetrics' multiclass_eer) on
-- the one-vs-rest ROC curves: per class [C] with average None (default); a
-- scalar for the micro curve (every (sample, class) pair) or the macro curve
-- (points pooled, tpr the mean of the interpolated tpr).
local curves = metric.import("curves")
local eer = metric.import("eer")

return metric.define {
  name = "multiclass_eer",
  summary = "equal error rate of multiclass scores (reference)",
  higher_is_better = false,
  options = curves.curve_options("multiclass"),
  states = curves.CAT_STATES,
  update = curves.curve_update("multiclass"),

  compute = function(s, opt) return eer.compute("multiclass", s, opt) end,
}
