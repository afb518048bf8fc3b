-- Reference: multiclass exact match, the fraction of samples whose every
-- position is predicted right (positions whose target is ignore_index count as
-- right); samplewise: 1 or 0 per sample. 0 when nothing is counted.
-- Predictions are the argmax of (N, C, ...) scores (NaN counts as the largest)
-- or (N, ...) integer labels.
-- Per sample of one batch: the positions predicted right (a position whose
-- target is ignore_index counts as right) and the positions, int64 [N] each.
-- A multiclass sample is right when all its positions are.
local multiclass = metric.import("multiclass")

local function matches(preds, target, opt)
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

return metric.define {
  name = "multiclass_exact_match",
  summary = "multiclass exact match (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    if opt.multidim_average == "samplewise" then return { { "correct", "cat" }, { "total", "cat" } } end
    return { { "correct", tensor.zeros({}, "int64"), "sum" }, { "total", tensor.zeros({}, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local correct, total = matches(preds, target, opt)
    if opt.multidim_average == "samplewise" then
      table.insert(s.correct, correct)
      table.insert(s.total, total)
    else
      s.correct = s.correct + correct:sum()
      s.total = s.total + total:sum()
    end
  end,

  compute = function(s, opt)
    local correct, total = s.correct, s.total
    if opt.multidim_average == "samplewise" then
      if #correct == 0 then return tensor.zeros({ 0 }) end
      correct, total = tensor.cat(correct), tensor.cat(total)
    end
    return multiclass.ratio(correct:double(), total:double()):float()
  end,
}
