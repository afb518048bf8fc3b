-- Reference: multilabel exact match, the fraction of positions (a sample, or
-- each extra-dimension position of a sample) whose labels are all predicted
-- right (labels whose target is ignore_index count as right); samplewise: the
-- fraction within each sample, over its own positions (TorchMetrics divides by
-- the count of the last batch, the same when every batch has the same extra
-- dimensions). 0 when nothing is counted. preds and target are (N, L, ...);
-- float preds are thresholded (preds > threshold) after a sigmoid when the
-- batch holds a value outside [0, 1] or NaN (unless input_format fixes the
-- reading); integer preds are 0/1 labels.
local exact_match = metric.import("exact_match")

return metric.define {
  name = "multilabel_exact_match",
  summary = "multilabel exact match (reference)",
  higher_is_better = true,
  options = exact_match.options("multilabel"),
  states = exact_match.states("multilabel"),
  update = exact_match.update("multilabel"),

  compute = function(s, opt)
    local correct, total = exact_match.counts(s, opt)
    if not correct then return tensor.zeros({ 0 }) end
    return exact_match.ratio(correct, total):float()
  end,
}
