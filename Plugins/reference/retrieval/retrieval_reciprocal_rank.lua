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
  options = {
    empty_target_action = metric.choice({ "neg", "pos", "skip", "error" }, "neg"),
    ignore_index = metric.optional("int"),
    aggregation = metric.choice({ "mean", "median", "min", "max" }, "mean"),
    top_k = metric.optional("int"),
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
    local hit = r.rel:gt(0):logical_and(r.scores:gt(0))
    if opt.top_k ~= nil then hit = hit:logical_and(r.rank:lt(opt.top_k)) end
    local h = hit:long()
    -- the first hit of a query is the hit with no earlier hit in that query
    local through = h:cumsum(0)
    local before_query = (through - h):index_select(0, r.first):index_select(0, r.query)
    local first_hit = hit:logical_and((through - before_query):eq(1))
    local rr = retrieval.per_query(r, tensor.where(first_hit, (r.rank + 1):double():reciprocal(), 0.0))
    return retrieval.aggregate(opt, rr, retrieval.per_query(r, r.rel):eq(0), "positive")
  end,
}
