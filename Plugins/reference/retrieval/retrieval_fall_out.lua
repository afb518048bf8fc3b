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
  options = {
    empty_target_action = metric.choice({ "neg", "pos", "skip", "error" }, "pos"),
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
    local irrelevant = r.rel:eq(0)
    local retrieved = irrelevant
    if opt.top_k ~= nil then retrieved = retrieved:logical_and(r.rank:lt(opt.top_k)) end
    local negatives = retrieval.per_query(r, irrelevant)
    local fall_out = retrieval.per_query(r, retrieved) / negatives:clamp(1)
    return retrieval.aggregate(opt, fall_out, negatives:eq(0), "negative")
  end,
}
