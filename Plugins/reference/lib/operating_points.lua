-- Machinery shared by the reference operating-point scripts
-- (precision_at_fixed_recall, recall_at_fixed_precision,
-- sensitivity_at_specificity, specificity_at_sensitivity; binary, multiclass,
-- multilabel): each reads one point off every column's curve, the best value
-- among the points whose other coordinate meets the bound option `min_*`.
-- Holds the four pickers (one point of one curve) and the options, states,
-- update and per-task compute they share; each script names its curve,
-- picker and bound.
local curves = metric.import("curves")

-- Precision at fixed recall: Python's max over the (precision, recall,
-- threshold) tuples of the points that have a threshold and recall >= bound.
-- A NaN precision never wins a comparison, so it is the result only when it
-- comes first. No such point, or a best precision of 0: precision 0 and a
-- NaN threshold.
local function precision_at_recall(curve, bound)
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

-- Recall at fixed precision: over the points that have a threshold, a
-- recall and precision >= bound, the largest recall (ties: higher
-- precision, then higher threshold). No such point, or a best recall of 0:
-- recall 0 and a NaN threshold.
local function recall_at_precision(curve, bound)
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

-- On a ROC curve's points with constrained >= bound, the first with the
-- largest value, and its threshold. No such point: 0 and threshold 1e6.
local function roc_best(constrained, value, t, bound)
  local ok = constrained:ge(curves.bound_of(bound))
  if not ok:any() then return tensor.zeros({}, "float32"), tensor.scalar(1e6, t:dtype()) end
  local at = ok:nonzero():reshape(-1):index_select(0, value:masked_select(ok):argmax():reshape(1))
  return value:index_select(0, at):reshape({}), t:index_select(0, at):reshape({})
end

-- Sensitivity (tpr) at specificity 1 - fpr >= bound.
local function sensitivity_at_specificity(curve, bound) return roc_best(1 - curve[1], curve[2], curve[3], bound) end

-- Specificity 1 - fpr at sensitivity (tpr) >= bound.
local function specificity_at_sensitivity(curve, bound) return roc_best(curve[2], 1 - curve[1], curve[3], bound) end

-- The options of `task`'s curve metrics plus the required bound option.
local function options(task, bound)
  return curves.task_options(task, { [bound] = metric.required("number") })
end

-- update: the bound must lie in [0, 1] (checked first), then the curve
-- metrics' checks and the batch appended.
local function update(task, bound)
  return curves.task_update(task, {
    before = function(opt) metric.check(opt[bound] >= 0 and opt[bound] <= 1, bound, "a number in [0, 1]") end,
  })
end

-- The [value, threshold] that pick(curve(scores, targets, thresholds,
-- all_zero), bound) reads off each column: scalars for binary, [K] tensors
-- for the multi-column tasks.
local function compute(task, s, opt, curve, pick, bound)
  local values, thresholds = curves.map_columns(task, s, opt, function(cs, ct, thr, zero)
    return pick((curve(cs, ct, thr, zero)), bound)
  end)
  if task == "binary" then return { values[1], thresholds[1] } end
  return { tensor.stack(values), tensor.stack(thresholds) }
end

return {
  precision_at_recall = precision_at_recall, recall_at_precision = recall_at_precision,
  sensitivity_at_specificity = sensitivity_at_specificity, specificity_at_sensitivity = specificity_at_sensitivity,
  options = options, STATES = curves.CAT_STATES, update = update, compute = compute,
}
