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

return metric.define {
  name = "multiclass_stat_scores",
  summary = "multiclass [tp, fp, tn, fn, support] (reference)",
  options = multiclass.stat_options(),
  states = multiclass.stat_states,
  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.accumulated(s, opt)
    local tn, fp, fn, tp = multiclass.column(c, 0), multiclass.column(c, 1), multiclass.column(c, 2), multiclass.column(c, 3)
    local rows = tensor.stack({ tp, fp, tn, fn, tp + fn }, -1)
    local avg = opt.average
    if avg == "micro" then return rows:sum(-2) end
    if avg == "macro" then return rows:double():mean(-2):float() end
    if avg == "weighted" then
      local support = (tp + fn):double()
      local share = support / (opt.multidim_average == "samplewise" and support:sum(-1, true) or support:sum())
      return (rows:double() * share:unsqueeze(-1)):sum(-2):float()
    end
    return rows
  end,
}
