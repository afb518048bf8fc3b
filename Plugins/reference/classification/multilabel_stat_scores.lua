-- Reference: multilabel stat scores, per label [tp, fp, tn, fn, support] with
-- support = tp + fn. micro sums the rows over labels (int64 [5]); macro is
-- their plain mean over labels (float32); weighted weights each label by its
-- share of the support (float32; NaN without support, as TorchMetrics divides
-- without a guard); none keeps int64 [L, 5]. samplewise adds a leading N axis;
-- weighted then still divides by the support summed over every sample and
-- label, as TorchMetrics does. preds and target are (N, L, ...); float preds
-- are thresholded (preds > threshold) after a sigmoid when the batch holds a
-- value outside [0, 1] or NaN (unless input_format fixes the reading); integer
-- preds are 0/1 labels. Targets equal to ignore_index count nowhere.
-- samplewise: one value per sample over its extra dimensions.
local multilabel = metric.import("multilabel")
local statscores = metric.import("statscores")

return metric.define {
  name = "multilabel_stat_scores",
  summary = "multilabel [tp, fp, tn, fn, support] (reference)",
  options = multilabel.stat_options(),
  states = multilabel.stat_states,
  update = multilabel.stat_update,

  compute = function(s, opt)
    local rows = statscores.stat_rows(multilabel.accumulated(s, opt))
    return statscores.reduce_rows(rows, opt.average, false)
  end,
}
