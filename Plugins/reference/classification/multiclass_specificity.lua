-- Reference: multiclass specificity, tn / (tn + fp); 0 when there is no
-- negative target (zero_division is accepted but not used, as in TorchMetrics
-- 1.9). Per class; micro scores the counts summed over classes; macro is the
-- mean over classes present in preds or target; weighted weights by support
-- tp + fn; none keeps one value per class. Predictions are the argmax of
-- (N, C, ...) scores, or the target when it is among the top_k scores, or
-- (N, ...) integer labels. Targets equal to ignore_index count nowhere.
-- samplewise: one value per sample.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_specificity",
  summary = "multiclass specificity (reference)",
  higher_is_better = true,
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.counts(s, opt)
    local tn, fp = multiclass.column(c, 0), multiclass.column(c, 1)
    return multiclass.average(multiclass.ratio(tn, tn + fp), c, opt):float()
  end,
}
