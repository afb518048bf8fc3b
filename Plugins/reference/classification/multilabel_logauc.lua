-- Reference: multilabel LogAUC (TorchMetrics' multilabel_logauc): the LogAUC of
-- every label's ROC curve (see binary_logauc), per label with average=None
-- (the default) or the mean of the labels whose score is not NaN (macro).
local curves = metric.import("curves")
local logauc = metric.import("logauc")

return metric.define {
  name = "multilabel_logauc",
  summary = "LogAUC of every label of multilabel scores (reference)",
  higher_is_better = true,
  options = logauc.options("multilabel"),
  states = curves.CAT_STATES,
  update = logauc.update("multilabel"),

  compute = function(s, opt) return logauc.compute("multilabel", s, opt) end,
}
