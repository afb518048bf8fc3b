-- Reference: multiclass F1 score, 2 tp / (2 tp + fn + fp), the harmonic mean
-- of precision and recall; zero_division (0 or 1) when tp + fn + fp = 0. Per
-- class; micro scores the counts summed over classes; macro is the mean over
-- classes present in preds or target; weighted weights by support tp + fn;
-- none keeps one value per class. Predictions are the argmax of (N, C, ...)
-- scores, or the target when it is among the top_k scores, or (N, ...) integer
-- labels. Targets equal to ignore_index count nowhere. samplewise: one value
-- per sample.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_f1_score",
  summary = "multiclass F1 score (reference)",
  higher_is_better = true,
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.counts(s, opt)
    local fp, fn, tp = multiclass.column(c, 1), multiclass.column(c, 2), multiclass.column(c, 3)
    return multiclass.average(multiclass.ratio(2 * tp, 2 * tp + fn + fp, opt.zero_division), c, opt):float()
  end,
}
