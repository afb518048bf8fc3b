-- Reference: multiclass hinge loss (TorchMetrics' multiclass_hinge_loss) on
-- probabilities p (a softmax over classes is applied when the batch holds a
-- value outside [0, 1], or always with input_format='logits').
-- crammer-singer: margin p[target] - max over the other classes, one scalar;
-- one-vs-all: per class k the margin p[k] when the target is k, else -p[k],
-- a [C] tensor. The mean over samples of max(0, 1 - margin), squared with
-- squared = true. Rows whose target is ignore_index are dropped; no sample at
-- all is an error.
local inputs = metric.import("inputs")
local FLOAT, rows = inputs.FLOAT, inputs.rows_by_class

-- The kept [M, C] probabilities and [M] int64 labels of one batch.
local function batch(preds, target, opt)
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
  return p:double(), t
end

return metric.define {
  name = "multiclass_hinge_loss",
  summary = "mean (squared) multiclass hinge loss (reference)",
  higher_is_better = false,
  options = {
    num_classes = metric.required("int"),
    squared = false,
    multiclass_mode = metric.choice({ "crammer-singer", "one-vs-all" }, "crammer-singer"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local shape = opt.multiclass_mode == "one-vs-all" and { opt.num_classes } or {}
    return {
      { "measures", tensor.zeros(shape, "float64"), "sum" },
      { "total", tensor.zeros({}, "int64"), "sum" },
    }
  end,

  update = function(s, opt, preds, target)
    local p, t = batch(preds, target, opt)
    local is_target = t:unsqueeze(1):eq(tensor.arange(opt.num_classes):unsqueeze(0))
    local margin
    if opt.multiclass_mode == "one-vs-all" then
      margin = tensor.where(is_target, p, -p)
    else
      local own = p:gather(1, t:unsqueeze(1)):squeeze(1)
      local best_other = tensor.where(is_target, -math.huge, p):max(1)
      margin = own - best_other
    end
    local loss = (1 - margin):clamp(0)
    if opt.squared then loss = loss * loss end
    if opt.multiclass_mode == "one-vs-all" then
      s.measures = s.measures + loss:sum(0)
    else
      s.measures = s.measures + loss:sum()
    end
    s.total = s.total + t:numel()
  end,

  compute = function(s, opt)
    metric.check(s.total:item() > 0, "preds", "at least one sample to compute on (every batch was empty or every target ignored)")
    return (s.measures / s.total:double()):float()
  end,
}
