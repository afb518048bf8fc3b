-- Reference: multiclass confusion matrix [C, C]: cell (i, j) counts positions
-- of target class i predicted as class j; int64, or float32 ratios with
-- normalize. Predictions are the argmax of (N, C, ...) scores (NaN counts as
-- the largest) or (N, ...) integer labels. Positions whose target is
-- ignore_index are left out.
local multiclass = metric.import("multiclass")

return metric.define {
  name = "multiclass_confusion_matrix",
  summary = "multiclass confusion matrix (reference)",
  options = {
    num_classes = metric.required("int"),
    ignore_index = metric.optional("int"),
    normalize = metric.optional("any"),
    validate_args = true,
  },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    local nz = opt.normalize
    metric.check(nz == nil or type(nz) == "boolean" or nz == "true" or nz == "pred" or nz == "all" or nz == "none" or nz == "None",
      "normalize", "true, pred, all or none")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + multiclass.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    return multiclass.normalized(s.confmat, opt.normalize)
  end,
}
