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
    return (curves.roc_curve(p, t, curves.threshold_tensor(opt)))
  end,
}
