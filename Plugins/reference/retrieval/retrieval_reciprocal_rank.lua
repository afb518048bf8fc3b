-- Reference: mean reciprocal rank for retrieval. Per query, documents are
-- ranked by score (best first); a document is a hit when it is relevant,
-- has a positive score and is among the first top_k. The query scores
-- 1 / (1-based rank of its first hit), 0 without a hit. A query without a
-- relevant document is handled by empty_target_action; query scores
-- (float32) are combined by aggregation. Grouping is whole-tensor (two
-- stable argsorts, unique counts, cumsum, bincount); no loop over documents
-- or queries.

local function same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

local INTEGER = { int64 = true, int32 = true, uint8 = true }
local FLOAT = { float32 = true, float64 = true }

-- Checks one batch and appends its documents, flattened, without those
-- whose target is ignore_index. Scores are kept in float32, as TorchMetrics
-- converts them; targets must be 0/1.
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
  metric.check(rel:eq(0):logical_or(rel:eq(1)):all(), "target", "binary relevance (0/1 or bool)")
  table.insert(s.indexes, ids)
  table.insert(s.preds, scores)
  table.insert(s.target, rel:float())
end

-- Every stored document grouped by query (ascending id) and ranked in it by
-- score, best first; equal scores keep their arrival order (a stable
-- descending sort by score, then a stable sort by query id).
local function rank_queries(s)
  local ids, scores, rel = tensor.cat(s.indexes), tensor.cat(s.preds), tensor.cat(s.target)
  local by_score = scores:argsort(0, true)
  local order = by_score:index_select(0, ids:index_select(0, by_score):argsort(0))
  local _, query, size = ids:index_select(0, order):unique(true, true)
  local first = size:cumsum(0) - size
  return {
    scores = scores:index_select(0, order),
    rel = rel:index_select(0, order),
    query = query,                 -- 0-based query number of each document
    size = size,                   -- documents per query
    first = first,                 -- position of each query's best document
    count = size:numel(),
    rank = tensor.arange(query:numel()) - first:index_select(0, query),  -- 0-based rank in its query
  }
end

-- The sum of `values` over each query's documents (float64).
local function per_query(r, values)
  return r.query:bincount(values:double(), r.count)
end

-- Applies empty_target_action to the queries flagged `empty` and combines
-- the float32 query scores with aggregation (median: the lower one, as
-- torch.median); no query left gives 0.
local function aggregate(opt, score, empty, lacking)
  local action = opt.empty_target_action
  metric.check(action ~= "error" or not empty:any(), "target",
    "a " .. lacking .. " target in every query (empty_target_action='error')")
  local v = score:float()
  if action == "skip" then
    v = v:masked_select(empty:logical_not())
  else
    v = tensor.where(empty, action == "pos" and 1.0 or 0.0, v)
  end
  local n = v:numel()
  if n == 0 then return tensor.scalar(0.0, "float32") end
  if opt.aggregation == "mean" then return v:mean() end
  if opt.aggregation == "min" then return v:min() end
  if opt.aggregation == "max" then return v:max() end
  local sorted = v:sort()
  return sorted:slice(0, (n - 1) // 2, (n - 1) // 2 + 1):reshape({})
end

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
    append_batch(s, opt, preds, target, indexes)
  end,

  compute = function(s, opt)
    if #s.indexes == 0 then return tensor.scalar(0.0, "float32") end
    local r = rank_queries(s)
    local hit = r.rel:gt(0):logical_and(r.scores:gt(0))
    if opt.top_k ~= nil then hit = hit:logical_and(r.rank:lt(opt.top_k)) end
    local h = hit:long()
    -- the first hit of a query is the hit with no earlier hit in that query
    local through = h:cumsum(0)
    local before_query = (through - h):index_select(0, r.first):index_select(0, r.query)
    local first_hit = hit:logical_and((through - before_query):eq(1))
    local rr = per_query(r, tensor.where(first_hit, (r.rank + 1):double():reciprocal(), 0.0))
    return aggregate(opt, rr, per_query(r, r.rel):eq(0), "positive")
  end,
}
