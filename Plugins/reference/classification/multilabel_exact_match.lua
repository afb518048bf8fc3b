-- Reference: multilabel exact match, the fraction of positions (a sample, or
-- each extra-dimension position of a sample) whose labels are all predicted
-- right (labels whose target is ignore_index count as right); samplewise: the
-- fraction within each sample, over its own positions (TorchMetrics divides by
-- the count of the last batch, the same when every batch has the same extra
-- dimensions). 0 when nothing is counted. preds and target are (N, L, ...);
-- float preds are thresholded (preds > threshold) after a sigmoid when the
-- batch holds a value outside [0, 1] or NaN (unless input_format fixes the
-- reading); integer preds are 0/1 labels.
-- Per sample of one batch: the positions whose labels are all predicted
-- right (a label whose target is ignore_index counts as right), and the
-- positions (the product of the extra dimensions), int64 [N] each.
local multilabel = metric.import("multilabel")

local function matches(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = multilabel.binarized(preds, target, opt)
  local right = p:eq(t)
  if keep then right = right:logical_or(keep:logical_not()) end
  local n = p:size(0)
  local inner = n > 0 and p:numel() // (n * L) or 0
  return right:reshape(n, L, inner):all(1):sum(1), tensor.full({ n }, inner, "int64")
end

return metric.define {
  name = "multilabel_exact_match",
  summary = "multilabel exact match (reference)",
  higher_is_better = true,
  options = {
    num_labels = metric.required("int"),
    threshold = 0.5,
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
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
    return multilabel.ratio(correct:double(), total:double()):float()
  end,
}
