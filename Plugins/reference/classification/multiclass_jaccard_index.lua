-- Reference: multiclass Jaccard index, per class tp / (tp + fp + fn) from the
-- C x C confusion matrix, reduced by average (macro: over the classes present
-- in preds or target; micro and macro leave out a class ignore_index names).
-- Predictions are the argmax of (N, C, ...) scores (NaN counts as the largest)
-- or (N, ...) integer labels. Positions whose target is ignore_index are left
-- out.
local confmat = metric.import("confmat")

return metric.define {
  name = "multiclass_jaccard_index",
  summary = "multiclass Jaccard index (reference)",
  higher_is_better = true,
  options = confmat.options("multiclass", { average = metric.optional("string", "macro"), zero_division = 0 }),
  states = confmat.states("multiclass", confmat.check_jaccard),
  update = confmat.update("multiclass"),

  compute = function(s, opt)
    local m, k = s.confmat:double(), opt.num_classes
    local t, p = m:sum(1), m:sum(0)
    local tp = m:flatten():index_select(0, tensor.arange(0, k * k, k + 1))
    local ii = opt.ignore_index
    local ignored = ii ~= nil and ii >= 0 and ii < k and ii or nil
    return confmat.jaccard(tp, t + p - tp, t, (t + p):gt(0):double(), ignored, opt)
  end,
}
