-- Reference: multilabel exact match, the fraction of positions (a sample, or
-- each extra-dimension position of a sample) whose labels are all predicted
-- right (labels whose target is ignore_index count as right); samplewise: the
-- fraction within each sample, over its own positions (TorchMetrics divides by
-- the count of the last batch, the same when every batch has the same extra
-- dimensions). 0 when nothing is counted. preds and target are (N, L, ...);
-- float preds are thresholded (preds > threshold) after a sigmoid when the
-- batch holds a value outside [0, 1] or NaN (unless input_format fixes the
-- reading); integer preds are 0/1 labels.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

-- 0/1 predictions and targets of one (N, L, ...) batch as int64, and the
-- mask of positions whose target is not ignore_index (nil without one).
local function binarized(preds, target, opt)
  local L = opt.num_labels
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts, "target", "the same shape as preds")
  for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
  metric.check(#ps >= 2 and ps[2] == L, "preds", "shape (N, num_labels, ...)")
  metric.check(opt.multidim_average ~= "samplewise" or #ps >= 3, "preds", "at least 3 dimensions (N, L, ...) for multidim_average='samplewise'")
  metric.check(not is_float(target) or target:eq(target:floor()):logical_and(target:isfinite()):all(), "target", "integer labels")
  local t, keep = target:long(), nil
  if opt.ignore_index ~= nil then
    keep = t:ne(opt.ignore_index)
    t = tensor.where(keep, t, 0)
  end
  metric.check(within(t, 0, 1), "target", "values 0 or 1 (or ignore_index)")
  local p
  if is_float(preds) then
    metric.check(opt.input_format ~= "labels", "preds", "integer 0/1 labels (input_format='labels')")
    local logits = opt.input_format == "logits"
    if not logits and preds:numel() > 0 then
      -- Clamping to [0, 1] changes exactly the values outside it (NaN never equals itself).
      logits = not preds:clamp(0, 1):eq(preds):all()
      metric.check(not (logits and opt.input_format == "probs"), "preds", "probabilities in [0, 1] without NaN (input_format='probs')")
    end
    p = (logits and preds:sigmoid() or preds):gt(opt.threshold):long()
  else
    p = preds:long()
    metric.check(within(p, 0, 1), "preds", "0/1 labels when preds is an integer tensor")
  end
  return p, t, keep
end

-- Per sample of one batch: the positions whose labels are all predicted
-- right (a label whose target is ignore_index counts as right), and the
-- positions (the product of the extra dimensions), int64 [N] each.
local function matches(preds, target, opt)
  local L = opt.num_labels
  local p, t, keep = binarized(preds, target, opt)
  local right = p:eq(t)
  if keep then right = right:logical_or(keep:logical_not()) end
  local n = p:size(0)
  local inner = n > 0 and p:numel() // (n * L) or 0
  return right:reshape(n, L, inner):all(1):sum(1), tensor.full({ n }, inner, "int64")
end

local function ratio(num, den, zero) return tensor.where(den:eq(0), zero or 0, num / den) end

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
    return ratio(correct:double(), total:double()):float()
  end,
}
