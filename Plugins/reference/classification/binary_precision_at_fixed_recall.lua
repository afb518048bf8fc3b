-- Reference: precision at fixed recall (TorchMetrics' binary_precision_at_fixed_recall):
-- over the precision-recall points that have a threshold and recall >=
-- min_recall, the largest (precision, recall, threshold) in Python's tuple
-- order; [precision, threshold]. No such point, or a best precision of 0:
-- precision 0 and a NaN threshold.
local curves = metric.import("curves")

-- Python's max over (precision, recall, threshold) tuples: a NaN precision
-- never wins a comparison, so it is the result only when it comes first.
local function best(curve, bound)
  local n = curve[3]:numel()
  local p, r, t = curve[1]:slice(0, 0, n), curve[2]:slice(0, 0, n), curve[3]
  local idx = r:ge(curves.bound_of(bound)):nonzero():reshape(-1)
  local nan = tensor.scalar(0 / 0, t:dtype())
  if idx:numel() == 0 then return tensor.zeros({}, "float32"), nan end
  local first = idx:slice(0, 0, 1)
  local at = first
  if not p:index_select(0, first):isnan():all() then
    local ok = idx:masked_select(p:index_select(0, idx):isnan():logical_not())
    at = curves.lex_best(ok, p, r, t)
  end
  local value = p:index_select(0, at):reshape({})
  if value:item() == 0 then return value, nan end
  return value, t:index_select(0, at):reshape({})
end

return metric.define {
  name = "binary_precision_at_fixed_recall",
  summary = "highest precision with recall >= min_recall, and its threshold (reference)",
  higher_is_better = true,
  options = {
    min_recall = metric.required("number"),
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
    normalization = metric.optional("any", "sigmoid"),
  },
  states = curves.CAT_STATES,

  update = function(s, opt, preds, target)
    metric.check(opt.min_recall >= 0 and opt.min_recall <= 1, "min_recall", "a number in [0, 1]")
    curves.append(s, curves.binary_batch(preds, target, opt, curves.check_common(opt, true)))
  end,

  compute = function(s, opt)
    local p, t = curves.gathered(s)
    local curve = (curves.pr_curve(p, t, curves.threshold_tensor(opt), t:sum():item() == 0))
    local value, threshold = best(curve, opt.min_recall)
    return { value, threshold }
  end,
}
