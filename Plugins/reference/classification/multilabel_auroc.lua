-- Reference: AUROC of multilabel scores (TorchMetrics' multilabel_auroc):
-- each label's trapezoidal ROC area (ignored targets left out), reduced by
-- average: micro one curve over every kept (sample, label) pair, macro
-- (default) the mean, weighted by positives, none per label.
local curves = metric.import("curves")
local areas = metric.import("areas")

return metric.define {
  name = "multilabel_auroc",
  summary = "area under the ROC curve of multilabel scores (reference)",
  higher_is_better = true,
  options = areas.options("multilabel"),
  states = curves.CAT_STATES,
  update = areas.update("multilabel"),

  compute = function(s, opt)
    if opt.average == "micro" then return (curves.map_pooled("multilabel", s, opt, areas.roc_area)):float() end
    return areas.reduced("multilabel", s, opt, areas.roc_area)
  end,
}
