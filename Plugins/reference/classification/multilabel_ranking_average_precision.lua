-- Reference: multilabel label-ranking average precision (TorchMetrics'
-- multilabel_ranking_average_precision). Per row with k relevant labels,
-- 0 < k < L: the mean over relevant labels j of (relevant labels scored >=
-- score j) / (labels scored >= score j), ties counted as ranked above (an
-- ignored position, score -4 * L, counts among the labels); any other row
-- scores 1. The mean over rows; higher is better. Pairwise [M, L, L]
-- comparisons: L (labels) is small.
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
  name = "multilabel_ranking_average_precision",
  summary = "label-ranking average precision of multilabel scores (reference)",
  higher_is_better = true,
  options = OPTIONS,
  states = ranking_states,

  update = function(s, opt, preds, target)
    local p, t = ranked_rows(preds, target, opt)
    local m, l = p:shape()[1], opt.num_labels
    local relevant = t:eq(1):double()
    -- at_least[r, j, i]: label i scores at least as high as label j in row r.
    local at_least = p:unsqueeze(1):ge(p:unsqueeze(2)):double()
    local above_all = at_least:sum(2)
    local above_relevant = (at_least * relevant:unsqueeze(1)):sum(2)
    local k = relevant:sum(1)
    local per_row = (above_relevant / above_all * relevant):sum(1) / k:clamp(1)
    local mixed = k:gt(0):logical_and(k:lt(l))
    s.measure = s.measure + tensor.where(mixed, per_row, 1):sum()
    s.total = s.total + m
  end,

  compute = mean_over_rows,
}
