-- Reference: precision at k for retrieval. Per query of n documents ranked
-- by score (best first), k = top_k (None: n; with adaptive_k a top_k larger
-- than n becomes n); the query scores (relevant documents with a positive
-- score among the first k) / k. A query without a relevant document is
-- handled by empty_target_action; query scores (float32) are combined by
-- aggregation. Grouping is whole-tensor (two stable argsorts, unique
-- counts, bincount); no loop over documents or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_precision",
  summary = "precision of the top k documents (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int"), adaptive_k = false }),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local k = r.size
    if opt.top_k ~= nil then
      k = opt.adaptive_k and r.size:minimum(opt.top_k) or tensor.full_like(r.size, opt.top_k)
    end
    local hit = r.rel:gt(0):logical_and(r.scores:gt(0)):logical_and(r.rank:lt(k:index_select(0, r.query)))
    return retrieval.per_query(r, hit) / k:double()
  end),
}
