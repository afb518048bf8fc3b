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
  options = {
    num_classes = metric.required("int"),
    average = metric.optional("string", "macro"),
    top_k = 1,
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local avg = opt.average
    metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
      "average", "micro, macro, weighted or none")
    metric.check(opt.top_k >= 1 and opt.top_k <= opt.num_classes, "top_k", "an integer in [1, num_classes]")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    if opt.multidim_average == "samplewise" then return { { "confusion", "cat" } } end
    return { { "confusion", tensor.zeros({ opt.num_classes, 4 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local c = multiclass.confusion(preds, target, opt)
    if opt.multidim_average == "samplewise" then table.insert(s.confusion, c) else s.confusion = s.confusion + c end
  end,

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
