-- Reference: multiclass negative predictive value, tn / (tn + fn); 0 when
-- there is no negative prediction (zero_division is accepted but not used:
-- TorchMetrics 1.9's classes do not pass it on). Per class; micro scores the
-- counts summed over classes; macro is the mean over classes present in preds
-- or target (top_k > 1: in target); weighted weights by support tp + fn; none
-- keeps one value per class. Predictions are the argmax of (N, C, ...) scores,
-- or the target when it is among the top_k scores, or (N, ...) integer labels.
-- Targets equal to ignore_index count nowhere. samplewise: one value per
-- sample.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_negative_predictive_value",
  summary = "multiclass negative predictive value (reference)",
  higher_is_better = true,
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.counts(s, opt)
    local tn, fn = multiclass.column(c, 0), multiclass.column(c, 2)
    return multiclass.average(multiclass.ratio(tn, tn + fn), c, opt, true):float()
  end,
}
