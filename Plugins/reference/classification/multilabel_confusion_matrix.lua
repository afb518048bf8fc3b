-- Reference: multilabel confusion matrices [L, 2, 2], per label
-- [[tn, fp], [fn, tp]]; int64, or float32 ratios with normalize (within each
-- label). preds and target are (N, L, ...); float preds are thresholded
-- (preds > threshold) after a sigmoid when the batch holds a value outside
-- [0, 1] or NaN (unless input_format fixes the reading); integer preds are 0/1
-- labels. Positions whose target is ignore_index are left out.
local multilabel = metric.import("multilabel")
local confmat = metric.import("confmat")

return metric.define {
  name = "multilabel_confusion_matrix",
  summary = "multilabel confusion matrix (reference)",
  options = confmat.options("multilabel", { normalize = metric.optional("any") }),
  states = confmat.states("multilabel", confmat.check_normalize),
  update = confmat.update("multilabel"),

  compute = function(s, opt)
    return multilabel.normalized(s.confmat, opt.normalize)
  end,
}
