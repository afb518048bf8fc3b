-- Reference: binary Matthews correlation coefficient, in [-1, 1], of the 2 x 2
-- confusion matrix of thresholded predictions; 0 when nothing is counted.
-- Float preds are thresholded (preds > threshold) after a sigmoid when the
-- kept positions hold a value outside [0, 1] or NaN (logits, decided per batch
-- unless input_format fixes the reading); integer preds are 0/1 labels.
-- Positions whose target is ignore_index are left out.
local confmat = metric.import("confmat")

return metric.define {
  name = "binary_matthews_corrcoef",
  summary = "binary Matthews correlation coefficient (reference)",
  higher_is_better = true,
  options = confmat.options("binary"),
  states = confmat.states("binary"),
  update = confmat.update("binary"),

  compute = function(s, opt)
    return tensor.scalar(confmat.matthews(s.confmat:double()), "float32")
  end,
}
