-- Reference: binary average precision (TorchMetrics'
-- binary_average_precision): AP = -sum((R[i+1] - R[i]) * P[i]) over the
-- precision-recall curve, NaN precision/recall counted as 0. No positive
-- target: recall is 1 everywhere, so AP = -0.
local curves = metric.import("curves")

return metric.define {
  name = "binary_average_precision",
  summary = "average precision of binary scores (reference)",
  higher_is_better = true,
  options = {
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"), normalization = metric.optional("any", "sigmoid"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    local squash = curves.check_common(opt, true)
    curves.append(s, curves.binary_batch(preds, target, opt, squash))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local pr = curves.pr_curve(p, t, curves.threshold_tensor(opt), t:sum():item() == 0)
    local precision, recall = pr[1]:nan_to_num(0), pr[2]:nan_to_num(0)
    local n = recall:numel()
    local steps = (recall:slice(0, 1) - recall:slice(0, 0, n - 1)):double() * precision:slice(0, 0, n - 1):double()
    return (-steps:sum()):float()
  end,
}
