-- Reference: multilabel equal error rate (TorchMetrics' multilabel_eer): the
-- EER of every label's ROC curve (ignored targets left out), [L] float32.
local curves = metric.import("curves")
local eer = metric.import("eer")

return metric.define {
  name = "multilabel_eer",
  summary = "equal error rate of every label of multilabel scores (reference)",
  higher_is_better = false,
  options = curves.curve_options("multilabel"),
  states = curves.CAT_STATES,
  update = curves.curve_update("multilabel"),

  compute = function(s, opt) return eer.compute("multilabel", s, opt) end,
}
