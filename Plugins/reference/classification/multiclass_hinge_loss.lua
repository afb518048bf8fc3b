-- Reference: multiclass hinge loss (TorchMetrics' multiclass_hinge_loss) on
-- probabilities p (a softmax over classes is applied when the batch holds a
-- value outside [0, 1], or always with input_format='logits').
-- crammer-singer: margin p[target] - max over the other classes, one scalar;
-- one-vs-all: per class k the margin p[k] when the target is k, else -p[k],
-- a [C] tensor. The mean over samples of max(0, 1 - margin), squared with
-- squared = true. Rows whose target is ignore_index are dropped; no sample at
-- all is an error.
local probabilities = metric.import("probabilities")

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
    local p, t = probabilities.multiclass(preds, target, opt)
    p = p:double()
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
