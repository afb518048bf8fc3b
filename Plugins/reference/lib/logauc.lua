-- Machinery shared by the reference LogAUC scripts (binary, multiclass,
-- multilabel): the LogAUC of one ROC curve (TorchMetrics'
-- _binary_logauc_compute), the fpr_range check, the reduction over columns,
-- and the per-task options, update and compute.
local curves = metric.import("curves")

-- fpr_range: [low, high] with 0 < low < high <= 1 (TorchMetrics also takes
-- low = 0, where log10 makes the area NaN; the native metric refuses it).
local function check_range(opt)
  local r = opt.fpr_range
  metric.check(#r == 2 and r[1] > 0 and r[1] < r[2] and r[2] <= 1, "fpr_range", "[low, high] with 0 < low < high <= 1")
end

-- LogAUC of one ROC curve: the curve gets the two bounds as extra points
-- (their tpr interpolated); fpr and tpr are then sorted independently, fpr
-- goes to log10, and the trapezoidal area between the last occurrences of
-- log10(low) and log10(high) is divided by the width of that interval.
-- Under two points: 0. Float64.
local function area(fpr, tpr, range)
  if fpr:numel() < 2 then return tensor.zeros({}, "float64") end
  local bounds = tensor.new(range, "float32")
  local y = tensor.cat({ tpr, curves.torch_interp(bounds, fpr, tpr) }):sort(0)
  local x = tensor.cat({ fpr, bounds }):sort(0)
  x = x:log10()
  local lb = bounds:log10()
  local function last(i)
    local hits = x:eq(lb:slice(0, i, i + 1)):nonzero():reshape(-1)
    return hits:slice(0, hits:numel() - 1):item()
  end
  local lo, hi = last(0), last(1)
  local width = (lb:slice(0, 1, 2) - lb:slice(0, 0, 1)):double():reshape({})
  return curves.trapz(x:slice(0, lo, hi + 1), y:slice(0, lo, hi + 1)) / width
end

-- Per-column scores: none keeps them, macro averages those that are not NaN.
local function reduce(scores, average)
  if average == nil or average == "none" or average == "None" then return scores:float() end
  return scores:masked_select(scores:isnan():logical_not()):mean():float()
end

-- The options of `task`'s curve metrics plus fpr_range = [0.001, 0.1] (and
-- average, default None, for the multi-column tasks).
local function options(task)
  local extra = { fpr_range = { 0.001, 0.1 } }
  if task ~= "binary" then extra.average = metric.optional("any") end
  return curves.task_options(task, extra)
end

-- update: the curve metrics' checks with fpr_range checked after the common
-- ones; average is macro or None.
local function update(task)
  return curves.task_update(task, { after = check_range, averages = { "macro", "none" } })
end

-- LogAUC of every column's ROC curve: a scalar for binary, else reduced by average.
local function compute(task, s, opt)
  check_range(opt)
  local scores = curves.map_columns(task, s, opt, function(cs, ct, thr)
    local roc = curves.roc_curve(cs, ct, thr)
    return area(roc[1], roc[2], opt.fpr_range)
  end)
  if task == "binary" then return scores[1]:float() end
  return reduce(tensor.stack(scores), opt.average)
end

return { options = options, update = update, compute = compute }
