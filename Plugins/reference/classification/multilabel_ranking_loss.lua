-- Reference: multilabel ranking loss (TorchMetrics' multilabel_ranking_loss).
-- Per row with k relevant labels, 0 < k < L: with the labels' positions in an
-- ascending sort of the row's scores (ties in index order), the number of
-- (relevant, irrelevant) pairs ordered wrongly, sum_j (L - pos_j) - k(k+1)/2
-- over relevant j, divided by k (L - k). The sum over qualifying rows divided
-- by all rows; as in TorchMetrics a batch with no qualifying row adds 0 over
-- one row. Lower is better.
local ranking = metric.import("ranking")

return metric.define {
  name = "multilabel_ranking_loss",
  summary = "fraction of wrongly ordered (relevant, irrelevant) label pairs (reference)",
  higher_is_better = false,
  options = ranking.OPTIONS,
  states = ranking.ranking_states,

  update = function(s, opt, preds, target)
    local p, t = ranking.ranked_rows(preds, target, opt)
    local m, l = p:shape()[1], opt.num_labels
    local relevant = t:eq(1)
    local k = relevant:sum(1):double()
    local mixed = k:gt(0):logical_and(k:lt(l))
    if not mixed:any() then
      s.total = s.total + 1
      return
    end
    local position = p:argsort(1):argsort(1):double()
    local above = ((l - position) * relevant:double()):sum(1)
    local wrong = (above - k * (k + 1) / 2) / (k * (l - k)):clamp(1)
    s.measure = s.measure + tensor.where(mixed, wrong, 0):sum()
    s.total = s.total + m
  end,

  compute = ranking.mean_over_rows,
}
