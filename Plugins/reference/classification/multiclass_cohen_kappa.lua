-- Reference: multiclass Cohen's kappa, agreement of predictions with the
-- targets beyond chance, from the C x C confusion matrix. Predictions are the
-- argmax of (N, C, ...) scores (NaN counts as the largest) or (N, ...) integer
-- labels. Positions whose target is ignore_index are left out.
local confmat = metric.import("confmat")

return metric.define {
  name = "multiclass_cohen_kappa",
  summary = "multiclass Cohen's kappa (reference)",
  higher_is_better = true,
  options = confmat.options("multiclass", { weights = metric.optional("string") }),
  states = confmat.states("multiclass", confmat.check_weights),
  update = confmat.update("multiclass"),

  compute = function(s, opt)
    return confmat.kappa(s.confmat:double(), opt.weights):float()
  end,
}
