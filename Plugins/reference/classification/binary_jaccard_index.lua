-- Reference: binary Jaccard index, tp / (tp + fp + fn), the overlap of
-- predicted and actual positives over their union; zero_division (0 or 1) when
-- both are empty. Float preds are thresholded (preds > threshold) after a
-- sigmoid when the kept positions hold a value outside [0, 1] or NaN (logits,
-- decided per batch unless input_format fixes the reading); integer preds are
-- 0/1 labels. Positions whose target is ignore_index are left out.
local binary = metric.import("binary")

return metric.define {
  name = "binary_jaccard_index",
  summary = "binary Jaccard index (reference)",
  higher_is_better = true,
  options = {
    threshold = 0.5,
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },

  states = function(opt)
    metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    return { { "confmat", tensor.zeros({ 2, 2 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    s.confmat = s.confmat + binary.confusion_matrix(preds, target, opt)
  end,

  compute = function(s, opt)
    local m = s.confmat:double():flatten()
    local fp, fn, tp = m:slice(0, 1, 2):squeeze(0), m:slice(0, 2, 3):squeeze(0), m:slice(0, 3, 4):squeeze(0)
    return tensor.where((tp + fp + fn):eq(0), opt.zero_division, tp / (tp + fp + fn)):float()
  end,
}
