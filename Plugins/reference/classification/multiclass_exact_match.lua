-- Reference: multiclass exact match, the fraction of samples whose every
-- position is predicted right (positions whose target is ignore_index count as
-- right); samplewise: 1 or 0 per sample. 0 when nothing is counted.
-- Predictions are the argmax of (N, C, ...) scores (NaN counts as the largest)
-- or (N, ...) integer labels.
local exact_match = metric.import("exact_match")

return metric.define {
  name = "multiclass_exact_match",
  summary = "multiclass exact match (reference)",
  higher_is_better = true,
  options = exact_match.options("multiclass"),
  states = exact_match.states("multiclass"),
  update = exact_match.update("multiclass"),

  compute = function(s, opt)
    local correct, total = exact_match.counts(s, opt)
    if not correct then return tensor.zeros({ 0 }) end
    return exact_match.ratio(correct, total):float()
  end,
}
