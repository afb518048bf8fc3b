-- Reference: average precision of multilabel scores (TorchMetrics'
-- multilabel_average_precision): each label's -sum((R[i+1] - R[i]) * P[i])
-- (ignored targets left out), reduced by average: micro one curve over every
-- kept (sample, label) pair (NaN as 0), macro (default), weighted by
-- positives, none per label.
local curves = metric.import("curves")
local areas = metric.import("areas")

return metric.define {
  name = "multilabel_average_precision",
  summary = "average precision of multilabel scores (reference)",
  higher_is_better = true,
  options = areas.options("multilabel"),
  states = curves.CAT_STATES,
  update = areas.update("multilabel"),

  compute = function(s, opt)
    if opt.average == "micro" then return areas.ap((curves.map_pooled("multilabel", s, opt, curves.pr_curve)), true):float() end
    return areas.reduced("multilabel", s, opt, areas.ap_score)
  end,
}
