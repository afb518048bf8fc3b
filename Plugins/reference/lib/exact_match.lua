-- Machinery shared by the reference exact-match scripts (multiclass,
-- multilabel): per task, the count of each sample's positions predicted
-- right; the options, states (right and total positions, summed or one row
-- per sample for samplewise), update, and the accumulated counts.
local multiclass = metric.import("multiclass")
local multilabel = metric.import("multilabel")

-- Per sample of one batch: whether it is right (every position predicted
-- right, a position whose target is ignore_index counting as right), and 1,
-- int64 [N] each.
local function multiclass_matches(preds, target, opt)
  local p, t = multiclass.predicted_labels(preds, target, opt, 1)
  local right = p:eq(t)
  if opt.ignore_index ~= nil then
    local ignored = t:eq(opt.ignore_index)
    right = right:logical_or(ignored)
    t = t:masked_select(ignored:logical_not())
  end
  metric.check(multiclass.within(t, 0, opt.num_classes - 1), "target", "class labels in [0, num_classes) or ignore_index")
  local n = right:size(0)
  local whole = right:reshape(n, n > 0 and right:numel() // n or 0):all(1):long()
  return whole, tensor.ones({ n }, "int64")
end

-- Per sample of one batch: the positions whose labels are all predicted
-- right (a label whose target is ignore_index counts as right), and the
-- positions (the product of the extra dimensions), int64 [N] each.
local function multilabel_matches(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = multilabel.binarized(preds, target, opt)
  local right = p:eq(t)
  if keep then right = right:logical_or(keep:logical_not()) end
  local n = p:size(0)
  local inner = n > 0 and p:numel() // (n * L) or 0
  return right:reshape(n, L, inner):all(1):sum(1), tensor.full({ n }, inner, "int64")
end

local matches = { multiclass = multiclass_matches, multilabel = multilabel_matches }

-- The options of `task`'s exact match (TorchMetrics' names and defaults):
-- multidim_average, ignore_index, validate_args; multiclass num_classes;
-- multilabel num_labels, threshold and input_format.
local function options(task)
  local options = {
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
  }
  if task == "multiclass" then options.num_classes = metric.required("int") end
  if task == "multilabel" then
    options.num_labels = metric.required("int")
    options.threshold = 0.5
    options.input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto")
  end
  return options
end

-- states: after checking num_classes / num_labels >= 2 (and threshold in
-- [0, 1] for multilabel), the right and total positions: int64 scalars
-- summed, or lists of per-sample counts for samplewise.
local function states(task)
  return function(opt)
    if task == "multiclass" then metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2") end
    if task == "multilabel" then
      metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
      metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    end
    if opt.multidim_average == "samplewise" then return { { "correct", "cat" }, { "total", "cat" } } end
    return { { "correct", tensor.zeros({}, "int64"), "sum" }, { "total", tensor.zeros({}, "int64"), "sum" } }
  end
end

-- update: adds the batch's counts (or appends its per-sample rows).
local function update(task)
  local batch_matches = matches[task]
  return function(s, opt, preds, target)
    local correct, total = batch_matches(preds, target, opt)
    if opt.multidim_average == "samplewise" then
      table.insert(s.correct, correct)
      table.insert(s.total, total)
    else
      s.correct = s.correct + correct:sum()
      s.total = s.total + total:sum()
    end
  end
end

-- The accumulated right and total positions as float64: scalars, or [N]
-- for samplewise (nil, nil when no sample was seen).
local function counts(s, opt)
  local correct, total = s.correct, s.total
  if opt.multidim_average == "samplewise" then
    if #correct == 0 then return nil, nil end
    correct, total = tensor.cat(correct), tensor.cat(total)
  end
  return correct:double(), total:double()
end

return { options = options, states = states, update = update, counts = counts, ratio = multiclass.ratio }
