-- Reference: multiclass stat scores, per class [tp, fp, tn, fn, support] with
-- support = tp + fn. micro sums the rows over classes (int64 [5]); macro is
-- their plain mean over all classes (float32); weighted weights each class by
-- its share of the support (float32; NaN without support, as TorchMetrics
-- divides without a guard); none keeps int64 [C, 5]. samplewise adds a leading
-- N axis, weighted then uses the support of each sample. Predictions are the
-- argmax of (N, C, ...) scores, or the target when it is among the top_k
-- scores, or (N, ...) integer labels. Targets equal to ignore_index count
-- nowhere. samplewise: one value per sample.
local multiclass = metric.import("multiclass")
local statscores = metric.import("statscores")

return metric.define {
  name = "multiclass_stat_scores",
  summary = "multiclass [tp, fp, tn, fn, support] (reference)",
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local rows = statscores.stat_rows(multiclass.accumulated(s, opt))
    return statscores.reduce_rows(rows, opt.average, opt.multidim_average == "samplewise")
  end,
}
