-- Reference: multiclass Matthews correlation coefficient (Gorodkin's R_K) of
-- the C x C confusion matrix; 0 when the denominator is 0. Predictions are the
-- argmax of (N, C, ...) scores (NaN counts as the largest) or (N, ...) integer
-- labels. Positions whose target is ignore_index are left out.
local confmat = metric.import("confmat")

return metric.define {
  name = "multiclass_matthews_corrcoef",
  summary = "multiclass Matthews correlation coefficient (reference)",
  higher_is_better = true,
  options = confmat.options("multiclass"),
  states = confmat.states("multiclass"),
  update = confmat.update("multiclass"),

  compute = function(s, opt)
    return tensor.scalar(confmat.matthews(s.confmat:double()), "float32")
  end,
}
