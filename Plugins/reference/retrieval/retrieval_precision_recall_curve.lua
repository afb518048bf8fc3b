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

-- Applies empty_target_action to the queries flagged `empty` (their curves
-- become all 1 for pos, all 0 for neg, or are dropped for skip) and
-- combines the float32 curves (one row per query) column by column with
-- aggregation (median: the lower one, as torch.median); no query left
-- gives zeros.
local function aggregate_curves(opt, curves, empty, k)
  local action = opt.empty_target_action
  metric.check(action ~= "error" or not empty:any(), "target",
    "a positive target in every query (empty_target_action='error')")
  local c = curves:float()
  if action == "skip" then
    c = c:index_select(0, empty:logical_not():nonzero():flatten())
  else
    c = tensor.where(empty:unsqueeze(1), action == "pos" and 1.0 or 0.0, c)
  end
  local n = c:shape()[1]
  if n == 0 then return tensor.zeros(k, "float32") end
  if opt.aggregation == "mean" then return c:mean(0) end
  if opt.aggregation == "min" then return c:min(0) end
  if opt.aggregation == "max" then return c:max(0) end
  local sorted = c:sort(0)
  return sorted:slice(0, (n - 1) // 2, (n - 1) // 2 + 1):reshape({ k })
end

-- Precision and recall of every query at the cut-offs 1 ... max_k (None:
-- the largest query), aggregated over queries: found(k) relevant documents
-- among the first min(k, n) of a query of n with R relevant give recall
-- found / R and precision found / k (adaptive_k: found / min(k, n)).
-- Returns precision, recall (float32) and the cut-offs (int64).
local function curves(s, opt)
  if #s.indexes == 0 then
    local k = opt.max_k or 0
    return tensor.zeros(k, "float32"), tensor.zeros(k, "float32"), tensor.arange(1, k + 1)
  end
  local r = rank_queries(s)
  local k = opt.max_k or r.size:max():item()
  -- one row per query, one column per rank; cumsum along the row counts the found ones
  local shown = r.rank:lt(k)
  local cell = (r.query * k + r.rank):masked_select(shown)
  local found = tensor.zeros(r.count * k, "float64")
    :scatter_add(0, cell, r.rel:double():masked_select(shown))
    :reshape({ r.count, k }):cumsum(1)
  local cutoff = tensor.arange(1, k + 1)
  local retrieved = cutoff:unsqueeze(0)
  if opt.adaptive_k then retrieved = retrieved:minimum(r.size:unsqueeze(1)) end
  local relevant = per_query(r, r.rel)
  local empty = relevant:eq(0)
  local precision = aggregate_curves(opt, found / retrieved:double(), empty, k)
  local recall = aggregate_curves(opt, found / relevant:clamp(1):unsqueeze(1), empty, k)
  return precision, recall, cutoff
end

return metric.define {
  name = "retrieval_precision_recall_curve",
  summary = "precision and recall at k = 1 ... max_k (reference)",
  inputs = { "preds", "target", "indexes" },
  options = {
    max_k = metric.optional("int"),
    adaptive_k = false,
    empty_target_action = metric.choice({ "neg", "pos", "skip", "error" }, "neg"),
    ignore_index = metric.optional("int"),
    aggregation = metric.choice({ "mean", "median", "min", "max" }, "mean"),
  },

  states = function(opt)
    metric.check(opt.max_k == nil or opt.max_k >= 1, "max_k", "None or a positive integer")
    return { { "indexes", "cat" }, { "preds", "cat" }, { "target", "cat" } }
  end,

  update = function(s, opt, preds, target, indexes)
    append_batch(s, opt, preds, target, indexes)
  end,

  compute = function(s, opt)
    local precision, recall, top_k = curves(s, opt)
    return { precision, recall, top_k }
  end,
}
