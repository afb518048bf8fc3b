-- Reference: hit rate at k for retrieval. Per query, documents ranked by
-- score (best first); the query scores 1 when a relevant document (any
-- score) is among the first top_k (None: all), else 0. A query without a
-- relevant document is handled by empty_target_action; query scores
-- (float32) are combined by aggregation. Grouping is whole-tensor (two
-- stable argsorts, unique counts, bincount); no loop over documents or
-- queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_hit_rate",
  summary = "share of queries with a relevant document in the top k (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int") }),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    return retrieval.per_query(r, retrieval.in_top_k(r, opt, r.rel:gt(0))):gt(0):double()
  end),
}
