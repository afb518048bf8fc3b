-- Reference: AUROC of multilabel scores (TorchMetrics' multilabel_auroc):
-- each label's trapezoidal ROC area (ignored targets left out), reduced by
-- average: micro one curve over every kept (sample, label) pair, macro
-- (default) the mean, weighted by positives, none per label.
local curves = metric.import("curves")

-- One column's ROC area (float64) and its number of positives.
local function column_score(s, y, thr)
  local roc, pos = curves.roc_curve(s, y, thr)
  return curves.trapz(roc[1], roc[2]), pos
end

return metric.define {
  name = "multilabel_auroc",
  summary = "area under the ROC curve of multilabel scores (reference)",
  higher_is_better = true,
  options = {
    num_labels = metric.required("int"), average = metric.optional("any", "macro"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    curves.check_common(opt, false)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    local a = opt.average
    metric.check(a == nil or a == "micro" or a == "macro" or a == "weighted" or a == "none" or a == "None", "average", "one of micro, macro, weighted, none")
    curves.append(s, curves.multilabel_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_labels
    if opt.average == "micro" then
      local ms, mt = curves.column("multilabel", p, t, nil, k)
      local roc = curves.roc_curve(ms, mt, thr)
      return curves.trapz(roc[1], roc[2]):float()
    end
    local scores, weights = {}, {}
    for c = 0, k - 1 do
      local cs, ct, zero = curves.column("multilabel", p, t, c, k)
      scores[c + 1], weights[c + 1] = column_score(cs, ct, thr, zero)
    end
    return curves.reduce(tensor.stack(scores), tensor.new(weights, "float64"), opt.average)
  end,
}
