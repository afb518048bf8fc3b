-- Reference: multilabel coverage error (TorchMetrics'
-- multilabel_coverage_error). Per row (sample, extra position): irrelevant
-- labels' scores are lifted by |lowest score of the batch| + 10, so the row's
-- lowest lifted score is its lowest relevant (or ignored) score; the coverage
-- is the number of labels scored at least that high (0 for a row without a
-- relevant or ignored label). The mean over rows; lower is better.
local FLOAT = { float32 = true, float64 = true }

local function same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

-- (N, L, ...) as [N*E, L] rows with the label axis last.
local function rows(x)
  local r = x:dim()
  if r == 2 then return x end
  local order = { 0 }
  for i = 2, r - 1 do order[#order + 1] = i end
  order[#order + 1] = 1
  return x:permute(order):reshape(-1, x:shape()[2])
end

-- One batch as TorchMetrics' multilabel formatting leaves it: scores read as
-- probabilities or logits (sigmoid) on the whole batch, ignored positions
-- included; [M, L] rows; an ignored position keeps its place with score
-- -4 * L and a target that is neither 0 nor 1. Returns the scores (float64)
-- and the int64 targets (0, 1, or -1 where ignored).
local function ranked_rows(preds, target, opt)
  local l = opt.num_labels
  metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
  metric.check(same_shape(preds, target), "target", "the same shape as preds")
  metric.check(preds:dim() >= 2 and preds:shape()[2] == l, "preds", "shape (N, L, ...) with L = num_labels on axis 1")
  local t = target
  if FLOAT[t:dtype()] then metric.check(t:eq(t:floor()):all(), "target", "0/1 labels, found non-integral values") end
  t = t:long()
  local binary = t:eq(0):logical_or(t:eq(1))
  local ignored = nil
  if opt.ignore_index ~= nil then
    ignored = t:eq(opt.ignore_index)
    metric.check(binary:logical_or(ignored):all(), "target", "values 0, 1 or ignore_index")
    t = tensor.where(ignored, -1, t)
  else
    metric.check(binary:all(), "target", "values 0 or 1")
  end
  local p = preds
  metric.check(not p:isnan():any(), "preds", "no NaN scores")
  local outside = p:lt(0):any() or p:gt(1):any()
  if opt.input_format == "probs" then
    metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
  elseif opt.input_format == "logits" or outside then
    p = p:sigmoid()
  end
  p = p:double()
  if ignored then p = tensor.where(ignored, -4 * l, p) end
  return rows(p), rows(t)
end

local RANKING_STATES = {
  { "measure", tensor.zeros({}, "float64"), "sum" },
  { "total", tensor.zeros({}, "int64"), "sum" },
}

local function ranking_states(opt)
  metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
  return RANKING_STATES
end

local OPTIONS = {
  num_labels = metric.required("int"),
  ignore_index = metric.optional("int"),
  validate_args = true,
  input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
}

local function mean_over_rows(s, opt)
  metric.check(s.total:item() > 0, "preds", "at least one sample to compute on (every batch was empty)")
  return (s.measure / s.total:double()):float()
end

return metric.define {
  name = "multilabel_coverage_error",
  summary = "mean depth of the label ranking covering all relevant labels (reference)",
  higher_is_better = false,
  options = OPTIONS,
  states = ranking_states,

  update = function(s, opt, preds, target)
    local p, t = ranked_rows(preds, target, opt)
    local m = p:shape()[1]
    if m == 0 then return end
    local lift = p:min():abs() + 10
    local floor = tensor.where(t:eq(0), p + lift, p):min(1, true)
    s.measure = s.measure + p:ge(floor):sum():double()
    s.total = s.total + m
  end,

  compute = mean_over_rows,
}
