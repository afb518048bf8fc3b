-- Reference: multilabel Jaccard index, per label tp / (tp + fp + fn), reduced
-- by average (macro: over every label). ignore_index only drops positions: the
-- TorchMetrics class MultilabelJaccardIndex does not pass it to the reduction
-- (its functional form would also drop the label of that index). preds and
-- target are (N, L, ...); float preds are thresholded (preds > threshold)
-- after a sigmoid when the batch holds a value outside [0, 1] or NaN (unless
-- input_format fixes the reading); integer preds are 0/1 labels. Positions
-- whose target is ignore_index are left out.
local confmat = metric.import("confmat")
local column = metric.import("statscores").column

return metric.define {
  name = "multilabel_jaccard_index",
  summary = "multilabel Jaccard index (reference)",
  higher_is_better = true,
  options = confmat.options("multilabel", { average = metric.optional("string", "macro"), zero_division = 0 }),
  states = confmat.states("multilabel", confmat.check_jaccard),
  update = confmat.update("multilabel"),

  compute = function(s, opt)
    local m = s.confmat:double():reshape(opt.num_labels, 4)
    local fp, fn, tp = column(m, 1), column(m, 2), column(m, 3)
    return confmat.jaccard(tp, tp + fp + fn, tp + fn, nil, nil, opt)
  end,
}
