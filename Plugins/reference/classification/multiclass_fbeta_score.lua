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
  options = multiclass.stat_options({ beta = metric.required("number") }),

  states = function(opt)
    metric.check(opt.beta > 0, "beta", "a number > 0")
    return multiclass.stat_states(opt)
  end,

  update = multiclass.stat_update,

  compute = function(s, opt)
    local c = multiclass.counts(s, opt)
    local fp, fn, tp = multiclass.column(c, 1), multiclass.column(c, 2), multiclass.column(c, 3)
    local b2 = opt.beta ^ 2
    return multiclass.average(multiclass.ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, opt.zero_division), c, opt):float()
  end,
}
