-- Reference: mean reciprocal rank for retrieval. Per query, documents are
-- ranked by score (best first); a document is a hit when it is relevant,
-- has a positive score and is among the first top_k. The query scores
-- 1 / (1-based rank of its first hit), 0 without a hit. A query without a
-- relevant document is handled by empty_target_action; query scores
-- (float32) are combined by aggregation. Grouping is whole-tensor (two
-- stable argsorts, unique counts, cumsum, bincount); no loop over documents
-- or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_reciprocal_rank",
  summary = "mean reciprocal rank of the first relevant document (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int") }),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local hit = retrieval.hits(r, opt)
    -- the first hit of a query is the hit with no earlier hit in that query
    local first_hit = hit:logical_and(retrieval.running(r, hit:long()):eq(1))
    return retrieval.per_query(r, tensor.where(first_hit, (r.rank + 1):double():reciprocal(), 0.0))
  end),
}
