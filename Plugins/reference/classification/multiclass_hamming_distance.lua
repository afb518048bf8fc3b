-- Reference: multiclass Hamming distance, per class 1 - tp / (tp + fn) (one
-- minus recall; 1 for a class without target); micro gives the fraction of
-- wrong predictions (zero_division is accepted but not used, as in
-- TorchMetrics 1.9). Per class; micro scores the counts summed over classes;
-- macro is the mean over classes present in preds or target; weighted weights
-- by support tp + fn; none keeps one value per class. Predictions are the
-- argmax of (N, C, ...) scores, or the target when it is among the top_k
-- scores, or (N, ...) integer labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_hamming_distance",
  summary = "multiclass Hamming distance (reference)",
  higher_is_better = false,
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.counts(s, opt)
    local fn, tp = multiclass.column(c, 2), multiclass.column(c, 3)
    return multiclass.average(1 - multiclass.ratio(tp, tp + fn), c, opt):float()
  end,
}
