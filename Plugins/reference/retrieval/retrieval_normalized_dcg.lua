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
local inputs = metric.import("inputs")
local same_shape, INTEGER, FLOAT = inputs.same_shape, inputs.INTEGER, inputs.FLOAT

-- Checks one batch and appends its documents, flattened, without those
-- whose target is ignore_index. Scores are kept in float32, as TorchMetrics
-- converts them; targets are graded relevance (any finite value) in float32.
local function append_batch(s, opt, preds, target, indexes)
  metric.check(same_shape(preds, target), "target", "the same shape as preds")
  metric.check(same_shape(preds, indexes), "indexes", "the same shape as preds")
  metric.check(preds:dim() >= 1, "preds", "at least one dimension (documents)")
  metric.check(INTEGER[indexes:dtype()], "indexes", "an integer tensor of query ids")
  metric.check(FLOAT[preds:dtype()], "preds", "a float32 or float64 tensor of scores")
  local ids, scores, rel = indexes:flatten():long(), preds:flatten():float(), target:flatten():double()
  if opt.ignore_index ~= nil then
    local keep = rel:ne(opt.ignore_index)
    ids, scores, rel = ids:masked_select(keep), scores:masked_select(keep), rel:masked_select(keep)
  end
  metric.check(ids:numel() > 0, "target", "at least one document whose target is not ignore_index")
  metric.check(not scores:isnan():any(), "preds", "scores without NaN")
  metric.check(rel:isfinite():all(), "target", "finite relevance values")
  table.insert(s.indexes, ids)
  table.insert(s.preds, scores)
  table.insert(s.target, rel:float())
end

return metric.define {
  name = "retrieval_normalized_dcg",
  summary = "normalised discounted cumulative gain of the top k (reference)",
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
    append_batch(s, opt, preds, target, indexes)
  end,

  compute = function(s, opt)
    if #s.indexes == 0 then return tensor.scalar(0.0, "float32") end
    local r = retrieval.rank_queries(s)
    local n = r.query:numel()
    local discount = (r.rank:double() + 2):log2():reciprocal()
    if opt.top_k ~= nil then discount = tensor.where(r.rank:lt(opt.top_k), discount, 0.0) end
    -- tie groups: runs of equal scores within a query
    local starts = r.rank:eq(0)
    if n > 1 then
      local changed = r.scores:slice(0, 1):ne(r.scores:slice(0, 0, n - 1))
      starts = starts:logical_or(tensor.cat({ tensor.new({ true }), changed }))
    end
    local group = starts:long():cumsum(0) - 1
    local mean_gain = group:bincount(r.rel:double()) / group:bincount():double()
    local dcg = retrieval.per_query(r, mean_gain:index_select(0, group) * discount)
    -- the ideal ranking: each query's gains sorted descending, same layout
    local by_gain = r.rel:argsort(0, true)
    local ideal = r.rel:index_select(0, by_gain:index_select(0, r.query:index_select(0, by_gain):argsort(0)))
    local idcg = retrieval.per_query(r, ideal:double() * discount)
    local ndcg = tensor.where(idcg:eq(0), 0.0, dcg / idcg)
    return retrieval.aggregate(opt, ndcg, retrieval.per_query(r, r.rel):eq(0), "positive")
  end,
}
