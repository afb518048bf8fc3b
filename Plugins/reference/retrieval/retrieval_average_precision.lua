-- Reference: mean average precision for retrieval. Per query, documents are
-- ranked by score (best first); a document is a hit when it is relevant,
-- has a positive score and is among the first top_k. The query's AP is the
-- mean over its hits of (hits up to it) / (its 1-based rank), 0 without a
-- hit. A query without a relevant document is handled by
-- empty_target_action; query scores (float32) are combined by aggregation.
-- Grouping is whole-tensor: two stable argsorts, unique counts, cumsum and
-- bincount; there is no loop over documents or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_average_precision",
  summary = "mean average precision over queries (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int") }),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local hit = retrieval.hits(r, opt)
    local h = hit:long()
    local precision_at = retrieval.running(r, h):double() / (r.rank + 1):double()
    return retrieval.per_query(r, tensor.where(hit, precision_at, 0.0)) / retrieval.per_query(r, h):clamp(1)
  end),
}
