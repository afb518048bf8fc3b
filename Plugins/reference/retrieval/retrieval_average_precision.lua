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
    -- hits up to and including each document, counted within its query
    local through = h:cumsum(0)
    local before_query = (through - h):index_select(0, r.first):index_select(0, r.query)
    local precision_at = (through - before_query):double() / (r.rank + 1):double()
    local hits = retrieval.per_query(r, h)
    local ap = retrieval.per_query(r, tensor.where(hit, precision_at, 0.0)) / hits:clamp(1)
    return retrieval.aggregate(opt, ap, retrieval.per_query(r, r.rel):eq(0), "positive")
  end,
}
