-- Reference: recall at fixed precision (TorchMetrics' multilabel_recall_at_fixed_precision):
-- over the precision-recall points that have a threshold and precision >=
-- min_precision, the largest recall (ties: higher precision, then higher
-- threshold); [recall, threshold]. No such point, or a best recall of 0:
-- recall 0 and a NaN threshold.
local curves = metric.import("curves")

local function best(curve, bound)
  local n = curve[3]:numel()
  local p, r, t = curve[1]:slice(0, 0, n), curve[2]:slice(0, 0, n), curve[3]
  local idx = p:ge(curves.bound_of(bound)):logical_and(r:isnan():logical_not()):nonzero():reshape(-1)
  local nan = tensor.scalar(0 / 0, t:dtype())
  if idx:numel() == 0 then return tensor.zeros({}, "float32"), nan end
  local at = curves.lex_best(idx, r, p, t)
  local value = r:index_select(0, at):reshape({})
  if value:item() == 0 then return value, nan end
  return value, t:index_select(0, at):reshape({})
end

return metric.define {
  name = "multilabel_recall_at_fixed_precision",
  summary = "highest recall with precision >= min_precision, and its threshold (reference)",
  higher_is_better = true,
  options = {
    num_labels = metric.required("int"), min_precision = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_precision >= 0 and opt.min_precision <= 1, "min_precision", "a number in [0, 1]")
    curves.check_common(opt, false)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    curves.append(s, curves.multilabel_batch(preds, target, opt))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local thr, k = curves.threshold_tensor(opt), opt.num_labels
    local values, thresholds = {}, {}
    for c = 0, k - 1 do
      local cs, ct, zero = curves.column("multilabel", p, t, c, k)
      values[c + 1], thresholds[c + 1] = best((curves.pr_curve(cs, ct, thr, zero)), opt.min_precision)
    end
    return { tensor.stack(values), tensor.stack(thresholds) }
  end,
}
