-- Reference: multiclass accuracy, per class tp / (tp + fn) (recall; 0 for a
-- class without target); micro gives the fraction of right predictions. Per
-- class; micro scores the counts summed over classes; macro is the mean over
-- classes present in preds or target (top_k > 1: in target); weighted weights
-- by support tp + fn; none keeps one value per class. Predictions are the
-- argmax of (N, C, ...) scores, or the target when it is among the top_k
-- scores, or (N, ...) integer labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_accuracy",
  summary = "multiclass accuracy (reference)",
  higher_is_better = true,
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.counts(s, opt)
    local fn, tp = multiclass.column(c, 2), multiclass.column(c, 3)
    return multiclass.average(multiclass.ratio(tp, tp + fn), c, opt, true):float()
  end,
}
