-- Reference: recall at fixed precision (TorchMetrics' binary_recall_at_fixed_precision):
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
  name = "binary_recall_at_fixed_precision",
  summary = "highest recall with precision >= min_precision, and its threshold (reference)",
  higher_is_better = true,
  options = {
    min_precision = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
    normalization = metric.optional("any", "sigmoid"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_precision >= 0 and opt.min_precision <= 1, "min_precision", "a number in [0, 1]")
    curves.append(s, curves.binary_batch(preds, target, opt, curves.check_common(opt, true)))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local curve = (curves.pr_curve(p, t, curves.threshold_tensor(opt), t:sum():item() == 0))
    local value, threshold = best(curve, opt.min_precision)
    return { value, threshold }
  end,
}
