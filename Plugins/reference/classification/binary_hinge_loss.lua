-- Reference: binary hinge loss (TorchMetrics' binary_hinge_loss). With p the
-- probability (a sigmoid is applied when the batch holds a value outside
-- [0, 1], or always with input_format='logits') and the margin p for a
-- positive target, -p for a negative one: the mean over samples of
-- max(0, 1 - margin), squared with squared = true. Targets equal to
-- ignore_index are dropped; no sample at all is an error.
local inputs = metric.import("inputs")

-- Targets as flat int64; whole-number float targets are accepted as labels.
local function labels(target)
  local t = target:flatten()
  if inputs.FLOAT[t:dtype()] then
    metric.check(t:eq(t:floor()):all(), "target", "0/1 labels, found non-integral values")
  end
  return t:long()
end

-- Whether the kept scores x are read as logits (TorchMetrics' per-batch rule
-- unless input_format pins it); NaN is refused.
local function is_logits(x, opt)
  metric.check(not x:isnan():any(), "preds", "no NaN scores")
  local outside = x:lt(0):any() or x:gt(1):any()
  if opt.input_format == "probs" then
    metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
    return false
  end
  return opt.input_format == "logits" or outside
end

return metric.define {
  name = "binary_hinge_loss",
  summary = "mean (squared) hinge loss of binary scores (reference)",
  higher_is_better = false,
  options = {
    squared = false,
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = {
    { "measures", tensor.zeros({}, "float64"), "sum" },
    { "total", tensor.zeros({}, "int64"), "sum" },
  },

  update = function(s, opt, preds, target)
    metric.check(inputs.FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    local p, t = inputs.kept_binary(preds:flatten(), labels(target), opt)
    if is_logits(p, opt) then p = p:sigmoid() end
    p = p:double()
    local margin = tensor.where(t:eq(1), p, -p)
    local loss = (1 - margin):clamp(0)
    if opt.squared then loss = loss * loss end
    s.measures = s.measures + loss:sum()
    s.total = s.total + t:numel()
  end,

  compute = function(s, opt)
    metric.check(s.total:item() > 0, "preds", "at least one sample to compute on (every batch was empty or every target ignored)")
    return (s.measures / s.total:double()):float()
  end,
}
