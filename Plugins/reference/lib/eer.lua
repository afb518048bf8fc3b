-- Machinery shared by the reference equal-error-rate scripts (binary,
-- multiclass, multilabel): the EER of one ROC curve and its per-task compute.
local curves = metric.import("curves")

-- EER of one ROC curve: at the first point where fpr is closest to the
-- false negative rate 1 - tpr, their mean (float32, like TorchMetrics).
local function rate(curve)
  local fpr, fnr = curve[1], 1 - curve[2]
  local at = (fpr - fnr):abs():argmin():reshape(1)
  return ((fpr:index_select(0, at) + fnr:index_select(0, at)) / 2):reshape({}):float()
end

-- The EER of the task's ROC curve(s): a scalar for binary and for the
-- multiclass micro/macro curve; otherwise every column's, [K].
local function compute(task, s, opt)
  local average = task == "multiclass" and opt.average or nil
  if task == "binary" or average == "micro" or average == "macro" then
    return rate(curves.task_curves(task, s, opt, curves.roc_curve, true))
  end
  return tensor.stack((curves.map_columns(task, s, opt, function(cs, ct, thr) return rate((curves.roc_curve(cs, ct, thr))) end)))
end

return { compute = compute }
