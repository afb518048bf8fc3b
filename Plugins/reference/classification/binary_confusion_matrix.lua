-- Reference: binary confusion matrix [[tn, fp], [fn, tp]] (rows: target 0/1,
-- columns: prediction 0/1), int64, or float32 ratios with normalize. Float
-- preds are thresholded (preds > threshold) after a sigmoid when the kept
-- positions hold a value outside [0, 1] or NaN (logits, decided per batch
-- unless input_format fixes the reading); integer preds are 0/1 labels.
-- Positions whose target is ignore_index are left out.
local binary = metric.import("binary")

return metric.define {
  name = "binary_confusion_matrix",
  summary = "binary confusion matrix (reference)",
  options = {
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    normalize = metric.optional("any"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    local nz = opt.normalize
    metric.check(nz == nil or type(nz) == "boolean" or nz == "true" or nz == "pred" or nz == "all" or nz == "none" or nz == "None",
      "normalize", "true, pred, all or none")
    return { { "confmat", tensor.zeros({ 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + binary.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    return binary.normalized(s.confmat, opt.normalize)
  end,
}
