-- Reference: binary Cohen's kappa, agreement of thresholded predictions with
-- the targets beyond chance, from the 2 x 2 confusion matrix. Float preds are
-- thresholded (preds > threshold) after a sigmoid when the kept positions hold
-- a value outside [0, 1] or NaN (logits, decided per batch unless input_format
-- fixes the reading); integer preds are 0/1 labels. Positions whose target is
-- ignore_index are left out.
local confmat = metric.import("confmat")

return metric.define {
  name = "binary_cohen_kappa",
  summary = "binary Cohen's kappa (reference)",
  higher_is_better = true,
  options = confmat.options("binary", { weights = metric.optional("string") }),
  states = confmat.states("binary", confmat.check_weights),
  update = confmat.update("binary"),

  compute = function(s, opt)
    return confmat.kappa(s.confmat:double(), opt.weights):float()
  end,
}
