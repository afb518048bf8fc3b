-- Reference: binary Jaccard index, tp / (tp + fp + fn), the overlap of
-- predicted and actual positives over their union; zero_division (0 or 1) when
-- both are empty. Float preds are thresholded (preds > threshold) after a
-- sigmoid when the kept positions hold a value outside [0, 1] or NaN (logits,
-- decided per batch unless input_format fixes the reading); integer preds are
-- 0/1 labels. Positions whose target is ignore_index are left out.
local confmat = metric.import("confmat")

return metric.define {
  name = "binary_jaccard_index",
  summary = "binary Jaccard index (reference)",
  higher_is_better = true,
  options = confmat.options("binary", { zero_division = 0 }),
  states = confmat.states("binary", confmat.check_jaccard),
  update = confmat.update("binary"),

  compute = function(s, opt)
    local m = s.confmat:double():flatten()
    local fp, fn, tp = m:slice(0, 1, 2):squeeze(0), m:slice(0, 2, 3):squeeze(0), m:slice(0, 3, 4):squeeze(0)
    return tensor.where((tp + fp + fn):eq(0), opt.zero_division, tp / (tp + fp + fn)):float()
  end,
}
