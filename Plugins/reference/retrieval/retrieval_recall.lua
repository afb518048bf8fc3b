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
    local relevant = retrieval.per_query(r, r.rel)
    local recall = retrieval.per_query(r, hit) / relevant:clamp(1)
    return retrieval.aggregate(opt, recall, relevant:eq(0), "positive")
  end,
}
