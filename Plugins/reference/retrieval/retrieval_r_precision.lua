-- Reference: R-precision for retrieval. Per query with R relevant
-- documents, ranked by score (best first), the query scores (relevant
-- documents among the first R, whatever their scores) / R. A query without
-- a relevant document is handled by empty_target_action; query scores
-- (float32) are combined by aggregation. Grouping is whole-tensor (two
-- stable argsorts, unique counts, bincount); no loop over documents or
-- queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_r_precision",
  summary = "precision of the top R documents, R the number of relevant ones (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options(),
  states = retrieval.states(),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local relevant = retrieval.per_query(r, r.rel)
    local in_first_r = r.rel:gt(0):logical_and(r.rank:double():lt(relevant:index_select(0, r.query)))
    return retrieval.per_query(r, in_first_r) / relevant:clamp(1), relevant:eq(0)
  end),
}
