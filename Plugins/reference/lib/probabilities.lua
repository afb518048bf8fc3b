-- Reading scores as probabilities, shared by the reference
-- multiclass_hinge_loss and binary/multiclass_calibration_error scripts.
local inputs = metric.import("inputs")
local FLOAT, rows, same_shape = inputs.FLOAT, inputs.rows_by_class, inputs.same_shape

-- The kept [M] probabilities (the scores' dtype) and [M] int64 0/1 labels of
-- one batch: preds float scores, target of the same shape with values 0, 1
-- or ignore_index (the position is dropped), flattened. Scores are
-- probabilities unless one lies outside [0, 1] (or input_format is
-- 'logits'): then a sigmoid is applied.
local function binary(preds, target, opt)
  metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
  metric.check(same_shape(preds, target), "target", "the same shape as preds")
  local p, t = preds:flatten(), target:flatten()
  if FLOAT[t:dtype()] then metric.check(t:eq(t:floor()):all(), "target", "0/1 labels, found non-integral values") end
  p, t = inputs.kept_binary(p, t:long(), opt)
  metric.check(not p:isnan():any(), "preds", "no NaN scores")
  local outside = p:lt(0):any() or p:gt(1):any()
  if opt.input_format == "probs" then
    metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
  elseif opt.input_format == "logits" or outside then
    p = p:sigmoid()
  end
  return p, t
end

-- The kept [M, C] probabilities (the scores' dtype) and [M] int64 labels of
-- one batch: preds (N, C, ...) float scores, target (N, ...) labels in
-- [0, C) or ignore_index (the row is dropped). Scores are probabilities
-- unless one lies outside [0, 1] (or input_format is 'logits'): then a
-- softmax over classes is applied.
local function multiclass(preds, target, opt)
  local c = opt.num_classes
  metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts + 1, "preds", "one more dimension than target: (N, C, ...) scores for (N, ...) labels")
  metric.check(ps[2] == c, "preds", "shape (N, C, ...) with C = num_classes on axis 1")
  metric.check(ps[1] == ts[1], "target", "shape (N, ...) matching preds (N, C, ...)")
  for i = 2, #ts do metric.check(ps[i + 1] == ts[i], "target", "shape (N, ...) matching preds (N, C, ...)") end
  local t = target:flatten()
  if FLOAT[t:dtype()] then
    metric.check(t:eq(t:floor()):all(), "target", "integer class labels, found non-integral values")
  end
  t = t:long()
  local p = rows(preds)
  local valid = t:ge(0):logical_and(t:lt(c))
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index)
    metric.check(valid:logical_or(keep:logical_not()):all(), "target", "class labels in [0, num_classes) or ignore_index")
    p = p:masked_select(keep:unsqueeze(1)):reshape(-1, c)
    t = t:masked_select(keep)
  else
    metric.check(valid:all(), "target", "class labels in [0, num_classes)")
  end
  metric.check(not p:isnan():any(), "preds", "no NaN scores")
  local outside = p:lt(0):any() or p:gt(1):any()
  if opt.input_format == "probs" then
    metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
  elseif opt.input_format == "logits" or outside then
    metric.check(p:isfinite():all(), "preds", "finite logits (the softmax of an infinite score is undefined)")
    p = p:softmax(1)
  end
  return p, t
end

return { binary = binary, multiclass = multiclass }
