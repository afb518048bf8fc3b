-- Machinery shared by the reference multiclass and multilabel AUROC and
-- average-precision scripts: the per-column scores (ROC area, average
-- precision, each with the column's number of positives), their reduction
-- over columns, and the per-task options and update.
local curves = metric.import("curves")

-- One column's trapezoidal ROC area (float64) and its number of positives.
local function roc_area(s, y, thr)
  local roc, pos = curves.roc_curve(s, y, thr)
  return curves.trapz(roc[1], roc[2]), pos
end

-- AP = -sum((R[i+1] - R[i]) * P[i]) over a precision-recall curve; NaN
-- counts as 0 when `zero_nan` (binned and pooled curves), else propagates
-- (an exact per-class curve of a class without targets is NaN).
local function ap(pr, zero_nan)
  local precision, recall = pr[1]:double(), pr[2]:double()
  if zero_nan then precision, recall = precision:nan_to_num(0), recall:nan_to_num(0) end
  local n = recall:numel()
  return -((recall:slice(0, 1) - recall:slice(0, 0, n - 1)) * precision:slice(0, 0, n - 1)):sum()
end

-- One column's AP (float64) and its number of positives.
local function ap_score(s, y, thr, zero)
  local pr, pos = curves.pr_curve(s, y, thr, zero)
  return ap(pr, thr ~= nil), pos
end

-- The options of `task`'s curve metrics plus average (default macro).
local function options(task)
  return curves.task_options(task, { average = metric.optional("any", "macro") })
end

-- update: the curve metrics' checks; average is macro, weighted or None
-- (multilabel also micro).
local function update(task)
  local averages = task == "multilabel" and { "micro", "macro", "weighted", "none" } or { "macro", "weighted", "none" }
  return curves.task_update(task, { averages = averages })
end

-- score(scores, targets, thresholds, all_zero) of every column, reduced by
-- average with the columns' positives as weights (curves.reduce).
local function reduced(task, s, opt, score)
  local scores, weights = curves.map_columns(task, s, opt, score)
  return curves.reduce(tensor.stack(scores), tensor.new(weights, "float64"), opt.average)
end

return { roc_area = roc_area, ap = ap, ap_score = ap_score, options = options, update = update, reduced = reduced }
