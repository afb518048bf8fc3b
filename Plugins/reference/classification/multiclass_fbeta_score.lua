-- Reference: multiclass F-beta score,
-- (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp) with b = beta (required, > 0);
-- zero_division (0 or 1) when tp + fn + fp = 0. Per class; micro scores the
-- counts summed over classes; macro is the mean over classes present in preds
-- or target; weighted weights by support tp + fn; none keeps one value per
-- class. Predictions are the argmax of (N, C, ...) scores, or the target when
-- it is among the top_k scores, or (N, ...) integer labels. Targets equal to
-- ignore_index count nowhere. samplewise: one value per sample.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_fbeta_score",
  summary = "multiclass F-beta score (reference)",
  higher_is_better = true,
  options = {
    beta = metric.required("number"),
    num_classes = metric.required("int"),
    average = metric.optional("string", "macro"),
    top_k = 1,
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
  },

  states = function(opt)
    metric.check(opt.beta > 0, "beta", "a number > 0")
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
    local c = multiclass.accumulated(s, opt):double()
    if opt.average == "micro" then c = c:sum(-2) end
    local fp, fn, tp = multiclass.column(c, 1), multiclass.column(c, 2), multiclass.column(c, 3)
    local b2 = opt.beta ^ 2
    return multiclass.average(multiclass.ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, opt.zero_division), c, opt):float()
  end,
}
