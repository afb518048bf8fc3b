-- Reference: multiclass LogAUC (TorchMetrics' multiclass_logauc): the LogAUC of
-- every class's ROC curve (see binary_logauc), per class with average=None
-- (the default) or the mean of the classes whose score is not NaN (macro).
local curves = metric.import("curves")
local logauc = metric.import("logauc")

return metric.define {
  name = "multiclass_logauc",
  summary = "one-vs-rest LogAUC of multiclass scores (reference)",
  higher_is_better = true,
  options = logauc.options("multiclass"),
  states = curves.CAT_STATES,
  update = logauc.update("multiclass"),

  compute = function(s, opt) return logauc.compute("multiclass", s, opt) end,
}
