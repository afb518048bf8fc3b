-- Machinery shared by the reference multilabel ranking metrics
-- (multilabel_coverage_error, multilabel_ranking_average_precision,
-- multilabel_ranking_loss): their options, input formatting into [M, L]
-- rows of scores and targets, and the (sum over rows, row count) states
-- whose ratio they report. Each script keeps the formula of its own metric.
local inputs = metric.import("inputs")
local FLOAT, same_shape, rows = inputs.FLOAT, inputs.same_shape, inputs.rows_by_class

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

-- The states: the sum of the rows' measures and the number of rows.
local RANKING_STATES = {
  { "measure", tensor.zeros({}, "float64"), "sum" },
  { "total", tensor.zeros({}, "int64"), "sum" },
}

local function ranking_states(opt)
  metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
  return RANKING_STATES
end

-- The options the three metrics take (TorchMetrics' names).
local OPTIONS = {
  num_labels = metric.required("int"),
  ignore_index = metric.optional("int"),
  validate_args = true,
  input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
}

-- compute: the mean measure over every row seen.
local function mean_over_rows(s, opt)
  metric.check(s.total:item() > 0, "preds", "at least one sample to compute on (every batch was empty)")
  return (s.measure / s.total:double()):float()
end

return {
  ranked_rows = ranked_rows, ranking_states = ranking_states, OPTIONS = OPTIONS,
  mean_over_rows = mean_over_rows,
}
