-- Reference: binary precision-recall curve [precision, recall, thresholds]
-- (TorchMetrics' binary_precision_recall_curve). Exact mode: thresholds every
-- distinct score ascending; precision tp / (tp + fp), recall tp / positives
-- (1 everywhere when no target is positive), then the point (1, 0). Binned
-- mode: the same at the given thresholds, 0/0 as NaN.
local curves = metric.import("curves")

return metric.define {
  name = "binary_precision_recall_curve",
  summary = "precision-recall curve of binary scores (reference)",
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
    return (curves.pr_curve(p, t, curves.threshold_tensor(opt), t:sum():item() == 0))
  end,
}
