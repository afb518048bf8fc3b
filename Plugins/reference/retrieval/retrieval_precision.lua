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
  options = {
    empty_target_action = metric.choice({ "neg", "pos", "skip", "error" }, "neg"),
    ignore_index = metric.optional("int"),
    aggregation = metric.choice({ "mean", "median", "min", "max" }, "mean"),
    top_k = metric.optional("int"),
    adaptive_k = false,
  },

  states = function(opt)
    metric.check(opt.top_k == nil or opt.top_k >= 1, "top_k", "None or a positive integer")
    return { { "indexes", "cat" }, { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target, indexes)
    retrieval.append_batch(s, opt, preds, target, indexes)
  end,

  compute = function(s, opt)
    if #s.indexes == 0 then return tensor.scalar(0.0, "float32") end
    local r = retrieval.rank_queries(s)
    local k = r.size
    if opt.top_k ~= nil then
      k = opt.adaptive_k and r.size:minimum(opt.top_k) or tensor.full_like(r.size, opt.top_k)
    end
    local hit = r.rel:gt(0):logical_and(r.scores:gt(0)):logical_and(r.rank:lt(k:index_select(0, r.query)))
    local precision = retrieval.per_query(r, hit) / k:double()
    return retrieval.aggregate(opt, precision, retrieval.per_query(r, r.rel):eq(0), "positive")
  end,
}
