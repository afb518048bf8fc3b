-- Reference: binary average precision (TorchMetrics'
-- binary_average_precision): AP = -sum((R[i+1] - R[i]) * P[i]) over the
-- precision-recall curve, NaN precision/recall counted as 0. No positive
-- target: recall is 1 everywhere, so AP = -0.
local curves = metric.import("curves")

return metric.define {
  name = "binary_average_precision",
  summary = "average precision of binary scores (reference)",
  higher_is_better = true,
  options = curves.task_options("binary"),
  states = curves.CAT_STATES,
  update = curves.task_update("binary"),

  compute = function(s, opt)
    local pr = curves.task_curves("binary", s, opt, curves.pr_curve)
    local precision, recall = pr[1]:nan_to_num(0), pr[2]:nan_to_num(0)
    local n = recall:numel()
    local steps = (recall:slice(0, 1) - recall:slice(0, 0, n - 1)):double() * precision:slice(0, 0, n - 1):double()
    return (-steps:sum()):float()
  end,
}
