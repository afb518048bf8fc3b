-- Reference: binary equal error rate (TorchMetrics' binary_eer): on the ROC
-- curve, the point where the false positive rate is closest to the false
-- negative rate 1 - tpr, and the mean of the two there. A float32 scalar.
local curves = metric.import("curves")
local eer = metric.import("eer")

return metric.define {
  name = "binary_eer",
  summary = "equal error rate of binary scores (reference)",
  higher_is_better = false,
  options = curves.curve_options("binary"),
  states = curves.CAT_STATES,
  update = curves.curve_update("binary"),

  compute = function(s, opt) return eer.compute("binary", s, opt) end,
}
