-- Reference: R-precision for retrieval. Per query with R relevant
-- documents, ranked by score (best first), the query scores (relevant
-- documents among the first R, whatever their scores) / R. A query without
-- a relevant document is handled by empty_target_action; query scores
-- (float32) are combined by aggregation. Grouping is whole-tensor (two
-- stable argsorts, unique counts, bincount); no loop over documents or
-- queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_r_precision",
  summary = "precision of the top R documents, R the number of relevant ones (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = {
    empty_target_action = metric.choice({ "neg", "pos", "skip", "error" }, "neg"),
    ignore_index = metric.optional("int"),
    aggregation = metric.choice({ "mean", "median", "min", "max" }, "mean"),
  },

  states = { { "indexes", "cat" }, { "preds", "cat" }, { "target", "cat" } },

  update = function(s, opt, preds, target, indexes)
    retrieval.append_batch(s, opt, preds, target, indexes)
  end,

  compute = function(s, opt)
    if #s.indexes == 0 then return tensor.scalar(0.0, "float32") end
    local r = retrieval.rank_queries(s)
    local relevant = retrieval.per_query(r, r.rel)
    local in_first_r = r.rel:gt(0):logical_and(r.rank:double():lt(relevant:index_select(0, r.query)))
    local r_precision = retrieval.per_query(r, in_first_r) / relevant:clamp(1)
    return retrieval.aggregate(opt, r_precision, relevant:eq(0), "positive")
  end,
}
