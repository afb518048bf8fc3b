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

return metric.define {
  name = "multilabel_stat_scores",
  summary = "multilabel [tp, fp, tn, fn, support] (reference)",
  options = multilabel.stat_options(),
  states = multilabel.stat_states,
  update = multilabel.stat_update,

  compute = function(s, opt)
    local c = multilabel.accumulated(s, opt)
    local tn, fp, fn, tp = multilabel.column(c, 0), multilabel.column(c, 1), multilabel.column(c, 2), multilabel.column(c, 3)
    local rows = tensor.stack({ tp, fp, tn, fn, tp + fn }, -1)
    local avg = opt.average
    if avg == "micro" then return rows:sum(-2) end
    if avg == "macro" then return rows:double():mean(-2):float() end
    if avg == "weighted" then
      local support = (tp + fn):double()
      local share = support / support:sum()
      return (rows:double() * share:unsqueeze(-1)):sum(-2):float()
    end
    return rows
  end,
}
