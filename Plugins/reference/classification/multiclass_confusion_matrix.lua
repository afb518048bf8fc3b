-- Reference: multiclass confusion matrix [C, C]: cell (i, j) counts positions
-- of target class i predicted as class j; int64, or float32 ratios with
-- normalize. Predictions are the argmax of (N, C, ...) scores (NaN counts as
-- the largest) or (N, ...) integer labels. Positions whose target is
-- ignore_index are left out.
local multiclass = metric.import("multiclass")
local confmat = metric.import("confmat")

return metric.define {
  name = "multiclass_confusion_matrix",
  summary = "multiclass confusion matrix (reference)",
  options = confmat.options("multiclass", { normalize = metric.optional("any") }),
  states = confmat.states("multiclass", confmat.check_normalize),
  update = confmat.update("multiclass"),

  compute = function(s, opt)
    return multiclass.normalized(s.confmat, opt.normalize)
  end,
}
