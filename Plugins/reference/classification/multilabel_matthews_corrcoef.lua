-- Reference: multilabel Matthews correlation coefficient: the binary
-- coefficient of the per-label 2 x 2 matrices summed over labels. preds and
-- target are (N, L, ...); float preds are thresholded (preds > threshold)
-- after a sigmoid when the batch holds a value outside [0, 1] or NaN (unless
-- input_format fixes the reading); integer preds are 0/1 labels. Positions
-- whose target is ignore_index are left out.
local confmat = metric.import("confmat")

return metric.define {
  name = "multilabel_matthews_corrcoef",
  summary = "multilabel Matthews correlation coefficient (reference)",
  higher_is_better = true,
  options = confmat.options("multilabel"),
  states = confmat.states("multilabel"),
  update = confmat.update("multilabel"),

  compute = function(s, opt)
    return tensor.scalar(confmat.matthews(s.confmat:sum(0):double()), "float32")
  end,
}
