-- Reference: fall-out at k for retrieval (lower is better). Per query,
-- documents ranked by score (best first); the query scores (non-relevant
-- documents among the first top_k, None: all) / (all its non-relevant
-- documents), whatever their scores. Here a query is "empty" when it has
-- no non-relevant document; empty_target_action defaults to pos. Query
-- scores (float32) are combined by aggregation. Grouping is whole-tensor
-- (two stable argsorts, unique counts, bincount); no loop over documents
-- or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_fall_out",
  summary = "fall-out (share of non-relevant documents retrieved) of the top k (reference)",
  higher_is_better = false,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int") }, "pos"),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local irrelevant = r.rel:eq(0)
    local negatives = retrieval.per_query(r, irrelevant)
    return retrieval.per_query(r, retrieval.in_top_k(r, opt, irrelevant)) / negatives:clamp(1), negatives:eq(0), "negative"
  end),
}
