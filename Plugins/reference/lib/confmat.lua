-- Machinery shared by the reference scripts whose state is a confusion
-- matrix (confusion_matrix, cohen_kappa, jaccard_index, matthews_corrcoef;
-- binary, multiclass, multilabel): their per-task options, states and update
-- (the matrix itself comes from lib/binary, lib/multiclass or
-- lib/multilabel), the formulas shared across tasks, Matthews' coefficient
-- and Cohen's kappa of a k x k matrix, and the class reduction of the
-- multiclass and multilabel Jaccard index.
local statscores = metric.import("statscores")

-- Matthews correlation coefficient of a k x k confusion matrix (TorchMetrics'
-- _matthews_corrcoef_reduce): with row sums t (targets), column sums p
-- (predictions), trace c and total s, (c s - sum(t p)) / sqrt((s^2 - sum(p^2))
-- (s^2 - sum(t^2))). A 2 x 2 matrix with every sample right is 1, with every
-- sample wrong -1; a zero denominator gives 0, except that a 2 x 2 matrix
-- then uses eps (float32 machine epsilon) on each marginal and a numerator
-- chosen by which cells are empty.
local function matthews(m)
  local k = m:size(0)
  local tn, fp, fn, tp
  if k == 2 then
    tn, fp, fn, tp = table.unpack(m:flatten():tolist())
    if tp + tn ~= 0 and fp + fn == 0 then return 1 end
    if tp + tn == 0 and fp + fn ~= 0 then return -1 end
  end
  local t, p = m:sum(1), m:sum(0)
  local c = m:flatten():index_select(0, tensor.arange(0, k * k, k + 1)):sum():item()
  local s = m:sum():item()
  local num = c * s - (t * p):sum():item()
  local den = (s * s - (p * p):sum():item()) * (s * s - (t * t):sum():item())
  if den ~= 0 then return num / math.sqrt(den) end
  if k ~= 2 then return 0 end
  local eps = 2 ^ -23
  if fn == 0 and tn == 0 then num = math.sqrt(eps) * (tp - fp)
  elseif fp == 0 and tn == 0 then num = math.sqrt(eps) * (tp - fn)
  elseif tp == 0 and fn == 0 then num = math.sqrt(eps) * (tn - fp)
  elseif tp == 0 and fp == 0 then num = math.sqrt(eps) * (tn - fn)
  elseif tp == 0 then num = tn - fp * fn
  elseif tn == 0 then num = tp - fp * fn
  elseif fp == 0 or fn == 0 then num = tp * tn
  else return 0 end
  return num / math.sqrt((tp + fp + eps) * (tp + fn + eps) * (tn + fp + eps) * (tn + fn + eps))
end

-- Cohen's kappa of a k x k confusion matrix m (TorchMetrics'
-- _cohen_kappa_reduce): 1 - sum(w m) / sum(w e) with e = outer(row sums,
-- column sums) / total the counts expected by chance and disagreement
-- weights w: 1 off the diagonal (none), |i - j| (linear) or (i - j)^2
-- (quadratic). NaN when the expected disagreement is 0 (one class only, or
-- nothing counted), as in TorchMetrics.
local function kappa(m, weights)
  local k = m:size(0)
  local expected = m:sum(1, true) * m:sum(0, true) / m:sum()
  local idx = tensor.arange(k):double()
  local d = idx:reshape(k, 1) - idx:reshape(1, k)
  local w
  if weights == "linear" then w = d:abs()
  elseif weights == "quadratic" then w = d * d
  else w = d:ne(0):double() end
  return 1 - (w * m):sum() / (w * expected):sum()
end

-- Reduces per-class intersections `num` and unions `den` (float64 [k]) by
-- opt.average (TorchMetrics' _jaccard_index_reduce): micro sum(num) /
-- sum(den); none num / den per class (0/0 is opt.zero_division); weighted
-- weights by `support`, macro weights 1 the classes in `present` (all when
-- nil); both divide without a guard, as TorchMetrics does (NaN when no class
-- has weight). The class `ignored` (multiclass ignore_index in [0, C)) is
-- left out of the micro denominator and of macro. float32.
local function jaccard(num, den, support, present, ignored, opt)
  local k = num:size(0)
  local kept = ignored and tensor.arange(k):ne(ignored):double() or tensor.ones({ k }, "float64")
  local avg = opt.average
  if avg == "micro" then
    local total = (den * kept):sum()
    return tensor.where(total:eq(0), opt.zero_division, num:sum() / total):float()
  end
  local score = tensor.where(den:eq(0), opt.zero_division, num / den)
  if avg == nil or avg == "none" or avg == "None" then return score:float() end
  local w = avg == "weighted" and support or (present or tensor.ones({ k }, "float64")) * kept
  return (w * score / w:sum()):sum():float()
end

-- The options of `task`'s confusion-matrix metrics (TorchMetrics' names and
-- defaults): ignore_index, validate_args; binary and multilabel also
-- threshold and input_format; multiclass num_classes, multilabel num_labels;
-- plus the metric's `extra` ones.
local function options(task, extra)
  local options = { ignore_index = metric.optional("int"), validate_args = true }
  if task ~= "multiclass" then
    options.threshold = 0.5
    options.input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto")
  end
  if task == "multiclass" then options.num_classes = metric.required("int") end
  if task == "multilabel" then options.num_labels = metric.required("int") end
  for name, spec in pairs(extra or {}) do options[name] = spec end
  return options
end

-- states: after checking num_classes / num_labels >= 2, then threshold in
-- [0, 1], then check(opt) (the metric's own options), the int64 matrix summed
-- over batches: [2, 2] (binary), [C, C] (multiclass) or [L, 2, 2] (multilabel).
local function states(task, check)
  return function(opt)
    if task == "multiclass" then metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2") end
    if task == "multilabel" then metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2") end
    if task ~= "multiclass" then metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]") end
    if check then check(opt) end
    local shape = { 2, 2 }
    if task == "multiclass" then shape = { opt.num_classes, opt.num_classes } end
    if task == "multilabel" then shape = { opt.num_labels, 2, 2 } end
    return { { "confmat", tensor.zeros(shape, "int64"), "sum" } }
  end
end

-- update: adds the batch's confusion matrix.
local function update(task)
  local confusion_matrix = metric.import(task).confusion_matrix
  return function(s, opt, preds, target)
    s.confmat = s.confmat + confusion_matrix(preds, target, opt)
  end
end

-- weights (Cohen's kappa): None, linear or quadratic.
local function check_weights(opt)
  local w = opt.weights
  metric.check(w == nil or w == "linear" or w == "quadratic" or w == "none" or w == "None", "weights", "linear, quadratic or none")
end

-- average and zero_division (jaccard_index; binary has no average, read as None).
local function check_jaccard(opt)
  statscores.check_average(opt)
  statscores.check_zero_division(opt)
end

-- normalize (confusion_matrix): None, a bool, true, pred or all.
local function check_normalize(opt)
  local nz = opt.normalize
  metric.check(nz == nil or type(nz) == "boolean" or nz == "true" or nz == "pred" or nz == "all" or nz == "none" or nz == "None",
    "normalize", "true, pred, all or none")
end

return {
  matthews = matthews, kappa = kappa, jaccard = jaccard, options = options, states = states, update = update,
  check_weights = check_weights, check_jaccard = check_jaccard, check_normalize = check_normalize,
}
