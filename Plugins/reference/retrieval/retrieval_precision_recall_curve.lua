-- Reference: retrieval precision-recall curve. For every cut-off k = 1 ...
-- max_k (None: the size of the largest query), per query of n documents
-- ranked by score (best first) with R relevant ones, found(k) = relevant
-- documents among the first min(k, n); recall = found / R, precision =
-- found / k (adaptive_k: found / min(k, n)). A query without a relevant
-- document is handled by empty_target_action; the per-query curves
-- (float32) are combined position by position by aggregation. Returns
-- { precision, recall, top_k } with top_k = 1 ... max_k (int64). Grouping
-- is whole-tensor (stable argsorts, unique counts, scatter_add into a
-- queries x max_k table, cumsum); no loop over documents or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_precision_recall_curve",
  summary = "precision and recall at k = 1 ... max_k (reference)",
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ max_k = metric.optional("int"), adaptive_k = false }),
  states = retrieval.states(retrieval.check_max_k),
  update = retrieval.update,

  compute = function(s, opt)
    local precision, recall, top_k = retrieval.curves(s, opt)
    return { precision, recall, top_k }
  end,
}
