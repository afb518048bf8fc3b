-- Reference: binary ROC curve [fpr, tpr, thresholds] (TorchMetrics'
-- binary_roc). Exact mode: thresholds 1 then every distinct score descending,
-- fpr/tpr the rates of samples scoring >= each threshold (0 without
-- negatives/positives). Binned mode (thresholds = n or a list): the same rates
-- at the given thresholds, reversed. Independent derivation: sort, run ends,
-- cumulative sums.
local curves = metric.import("curves")

return metric.define {
  name = "binary_roc",
  summary = "ROC curve of binary scores (reference)",
  options = curves.curve_options("binary"),
  states = curves.CAT_STATES,
  update = curves.curve_update("binary"),

  compute = function(s, opt) return curves.task_curves("binary", s, opt, curves.roc_curve, true) end,
}
