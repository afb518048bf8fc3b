-- Reference: multilabel confusion matrices [L, 2, 2], per label
-- [[tn, fp], [fn, tp]]; int64, or float32 ratios with normalize (within each
-- label). preds and target are (N, L, ...); float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (unless input_format fixes the reading); integer preds are 0/1
-- labels. Positions whose target is ignore_index are left out.
local multilabel = metric.import("multilabel")

return metric.define {
  name = "multilabel_confusion_matrix",
  summary = "multilabel confusion matrix (reference)",
  options = {
    num_labels = metric.required("int"),
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    normalize = metric.optional("any"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.num_labels >= 2, "num_labels", "an integer >= 2")
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    local nz = opt.normalize
    metric.check(nz == nil or type(nz) == "boolean" or nz == "true" or nz == "pred" or nz == "all" or nz == "none" or nz == "None",
      "normalize", "true, pred, all or none")
    return { { "confmat", tensor.zeros({ opt.num_labels, 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + multilabel.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    return multilabel.normalized(s.confmat, opt.normalize)
  end,
}
