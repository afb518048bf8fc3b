-- Reference: normalised discounted cumulative gain at k for retrieval, with
-- graded relevance (the target value is the gain). Per query, documents
-- ranked by score (best first) at 0-based ranks i get the discount
-- 1 / log2(i + 2) when i < top_k (None: all), else 0. DCG = sum of gain x
-- discount, where documents with tied scores share the mean gain of their
-- tie group (so the order among ties does not matter); IDCG is the same sum
-- over the gains sorted descending; the query scores DCG / IDCG, 0 when
-- IDCG = 0. A query whose gains sum to 0 is handled by empty_target_action;
-- query scores (float32) are combined by aggregation. Grouping is
-- whole-tensor (stable argsorts, unique counts, cumsum, bincount); no loop
-- over documents or queries.
local retrieval = metric.import("retrieval")
return metric.define {
  name = "retrieval_normalized_dcg",
  summary = "normalised discounted cumulative gain of the top k (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int") }),
  states = retrieval.states(retrieval.check_top_k),
  update = retrieval.update_graded,

  compute = retrieval.compute(function(r, opt)
    local discount = (r.rank:double() + 2):log2():reciprocal()
    if opt.top_k ~= nil then discount = tensor.where(r.rank:lt(opt.top_k), discount, 0.0) end
    local _, group = retrieval.tie_groups(r.scores, r.rank)
    local mean_gain = group:bincount(r.rel:double()) / group:bincount():double()
    local dcg = retrieval.per_query(r, mean_gain:index_select(0, group) * discount)
    -- the ideal ranking: each query's gains sorted descending, same layout
    local by_gain = r.rel:argsort(0, true)
    local ideal = r.rel:index_select(0, by_gain:index_select(0, r.query:index_select(0, by_gain):argsort(0)))
    local idcg = retrieval.per_query(r, ideal:double() * discount)
    return tensor.where(idcg:eq(0), 0.0, dcg / idcg)
  end),
}
