-- Reference: one-vs-rest ROC curves of multiclass scores (TorchMetrics'
-- multiclass_roc). average None: one [fpr, tpr, thresholds] per class
-- (binned: stacked [C, T] rates and the thresholds); micro: one curve over
-- every (sample, class) pair with one-hot targets; macro: every class's
-- points pooled, tpr the mean of the classes' interpolated tpr.
local curves = metric.import("curves")

return metric.define {
  name = "multiclass_roc",
  summary = "one-vs-rest ROC curves of multiclass scores (reference)",
  options = {
    num_classes = metric.required("int"), average = metric.optional("any"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local a = opt.average
    metric.check(a == nil or a == "micro" or a == "macro" or a == "none" or a == "None", "average", "one of micro, macro, none")
    curves.append(s, curves.multiclass_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_classes
    if opt.average == "micro" then
      local ms, mt = curves.column("multiclass", p, t, nil, k)
      return (curves.roc_curve(ms, mt, thr))
    end
    local per_class = {}
    for c = 0, k - 1 do
      local cs, ct = curves.column("multiclass", p, t, c, k)
      per_class[c + 1] = curves.roc_curve(cs, ct, thr)
    end
    if opt.average == "macro" then return curves.macro_curve(per_class, true) end
    return curves.per_column(per_class, thr ~= nil)
  end,
}
