-- Reference: binary LogAUC (TorchMetrics' binary_logauc): the area under the
-- ROC curve with fpr on a log10 scale, between log10 of fpr_range's bounds,
-- normalised by the log width of the range (1 for a perfect classifier).
local curves = metric.import("curves")
local logauc = metric.import("logauc")

return metric.define {
  name = "binary_logauc",
  summary = "area under the ROC curve with log-scaled fpr over fpr_range (reference)",
  higher_is_better = true,
  options = logauc.options("binary"),
  states = curves.CAT_STATES,
  update = logauc.update("binary"),

  compute = function(s, opt) return logauc.compute("binary", s, opt) end,
}
