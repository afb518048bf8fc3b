-- Reference: recall at k for retrieval. Per query, documents ranked by
-- score (best first); the query scores (relevant documents with a positive
-- score among the first top_k, None: all) / (all its relevant documents).
-- A query without a relevant document is handled by empty_target_action;
-- query scores (float32) are combined by aggregation. Grouping is
-- whole-tensor (two stable argsorts, unique counts, bincount); no loop over
-- documents or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_recall",
  summary = "recall of the top k documents (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int") }),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local relevant = retrieval.per_query(r, r.rel)
    return retrieval.per_query(r, retrieval.hits(r, opt)) / relevant:clamp(1), relevant:eq(0)
  end),
}
