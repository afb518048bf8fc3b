-- Reference: one-vs-rest AUROC of multiclass scores (TorchMetrics'
-- multiclass_auroc): each class's trapezoidal ROC area, reduced by average:
-- macro (default) the mean, weighted by each class's number of targets,
-- none per class. NaN areas are left out of macro/weighted.
local curves = metric.import("curves")

-- One column's ROC area (float64) and its number of positives.
local function column_score(s, y, thr)
  local roc, pos = curves.roc_curve(s, y, thr)
  return curves.trapz(roc[1], roc[2]), pos
end

return metric.define {
  name = "multiclass_auroc",
  summary = "one-vs-rest area under the ROC curve (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"), average = metric.optional("any", "macro"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local a = opt.average
    metric.check(a == nil or a == "macro" or a == "weighted" or a == "none" or a == "None", "average", "one of macro, weighted, none")
    curves.append(s, curves.multiclass_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_classes
    local scores, weights = {}, {}
    for c = 0, k - 1 do
      local cs, ct, zero = curves.column("multiclass", p, t, c, k)
      scores[c + 1], weights[c + 1] = column_score(cs, ct, thr, zero)
    end
    return curves.reduce(tensor.stack(scores), tensor.new(weights, "float64"), opt.average)
  end,
}
