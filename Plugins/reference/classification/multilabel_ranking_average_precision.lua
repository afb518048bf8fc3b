-- Reference: multilabel label-ranking average precision (TorchMetrics'
-- multilabel_ranking_average_precision). Per row with k relevant labels,
-- 0 < k < L: the mean over relevant labels j of (relevant labels scored >=
-- score j) / (labels scored >= score j), ties counted as ranked above (an
-- ignored position, score -4 * L, counts among the labels); any other row
-- scores 1. The mean over rows; higher is better. Pairwise [M, L, L]
-- comparisons: L (labels) is small.
local ranking = metric.import("ranking")

return metric.define {
  name = "multilabel_ranking_average_precision",
  summary = "label-ranking average precision of multilabel scores (reference)",
  higher_is_better = true,
  options = ranking.OPTIONS,
  states = ranking.ranking_states,

  update = function(s, opt, preds, target)
    local p, t = ranking.ranked_rows(preds, target, opt)
    local m, l = p:shape()[1], opt.num_labels
    local relevant = t:eq(1):double()
    -- at_least[r, j, i]: label i scores at least as high as label j in row r.
    local at_least = p:unsqueeze(1):ge(p:unsqueeze(2)):double()
    local above_all = at_least:sum(2)
    local above_relevant = (at_least * relevant:unsqueeze(1)):sum(2)
    local k = relevant:sum(1)
    local per_row = (above_relevant / above_all * relevant):sum(1) / k:clamp(1)
    local mixed = k:gt(0):logical_and(k:lt(l))
    s.measure = s.measure + tensor.where(mixed, per_row, 1):sum()
    s.total = s.total + m
  end,

  compute = ranking.mean_over_rows,
}
