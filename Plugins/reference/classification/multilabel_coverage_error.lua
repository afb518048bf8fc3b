-- Reference: multilabel coverage error (TorchMetrics'
-- multilabel_coverage_error). Per row (sample, extra position): irrelevant
-- labels' scores are lifted by |lowest score of the batch| + 10, so the row's
-- lowest lifted score is its lowest relevant (or ignored) score; the coverage
-- is the number of labels scored at least that high (0 for a row without a
-- relevant or ignored label). The mean over rows; lower is better.
local ranking = metric.import("ranking")

return metric.define {
  name = "multilabel_coverage_error",
  summary = "mean depth of the label ranking covering all relevant labels (reference)",
  higher_is_better = false,
  options = ranking.OPTIONS,
  states = ranking.ranking_states,

  update = function(s, opt, preds, target)
    local p, t = ranking.ranked_rows(preds, target, opt)
    local m = p:shape()[1]
    if m == 0 then return end
    local lift = p:min():abs() + 10
    local floor = tensor.where(t:eq(0), p + lift, p):min(1, true)
    s.measure = s.measure + p:ge(floor):sum():double()
    s.total = s.total + m
  end,

  compute = ranking.mean_over_rows,
}
