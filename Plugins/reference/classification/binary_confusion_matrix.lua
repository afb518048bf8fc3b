-- Reference: binary confusion matrix [[tn, fp], [fn, tp]] (rows: target 0/1,
-- columns: prediction 0/1), int64, or float32 ratios with normalize. Float
-- preds are thresholded (preds > threshold) after a sigmoid when the kept
-- positions hold a value outside [0, 1] or NaN (logits, decided per batch
-- unless input_format fixes the reading); integer preds are 0/1 labels.
-- Positions whose target is ignore_index are left out.
local binary = metric.import("binary")
local confmat = metric.import("confmat")

return metric.define {
  name = "binary_confusion_matrix",
  summary = "binary confusion matrix (reference)",
  options = confmat.options("binary", { normalize = metric.optional("any") }),
  states = confmat.states("binary", confmat.check_normalize),
  update = confmat.update("binary"),

  compute = function(s, opt)
    return binary.normalized(s.confmat, opt.normalize)
  end,
}
