-- Machinery shared by the reference retrieval metrics: their options,
-- states and update (checking and storing the (preds, target, indexes)
-- batches), grouping the stored documents by query and ranking them by
-- score, per-query sums, running counts, hits and tie groups, combining
-- query scores by empty_target_action and aggregation, and the
-- precision/recall at k curves (retrieval_precision_recall_curve,
-- retrieval_recall_at_fixed_precision).
-- Each script keeps the formula of its own metric.
local inputs = metric.import("inputs")
local same_shape, INTEGER, FLOAT = inputs.same_shape, inputs.INTEGER, inputs.FLOAT

-- update: checks one batch and appends its documents, flattened, without
-- those whose target is ignore_index. Scores are kept in float32, as
-- TorchMetrics converts them; targets are checked by check_target and
-- stored in float32.
local function appender(check_target)
  return function(s, opt, preds, target, indexes)
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
    check_target(rel)
    table.insert(s.indexes, ids)
    table.insert(s.preds, scores)
    table.insert(s.target, rel:float())
  end
end

-- update for binary relevance: targets must be 0/1.
local update = appender(function(rel)
  metric.check(rel:eq(0):logical_or(rel:eq(1)):all(), "target", "binary relevance (0/1 or bool)")
end)

-- update for graded relevance (normalized_dcg): targets are any finite value.
local update_graded = appender(function(rel)
  metric.check(rel:isfinite():all(), "target", "finite relevance values")
end)

-- The options of a retrieval metric (TorchMetrics' names and defaults):
-- empty_target_action (default `empty_default`, else neg), ignore_index and
-- aggregation, plus the metric's `extra` ones.
local function options(extra, empty_default)
  local options = {
    empty_target_action = metric.choice({ "neg", "pos", "skip", "error" }, empty_default or "neg"),
    ignore_index = metric.optional("int"),
    aggregation = metric.choice({ "mean", "median", "min", "max" }, "mean"),
  }
  for name, spec in pairs(extra or {}) do options[name] = spec end
  return options
end

-- states: after check(opt) (the metric's own options, when given), the
-- stored query ids, scores and targets, concatenated over batches.
local function states(check)
  return function(opt)
    if check then check(opt) end
    return { { "indexes", "cat" }, { "preds", "cat" }, { "target", "cat" } }
  end
end

-- top_k: None or a positive integer.
local function check_top_k(opt)
  metric.check(opt.top_k == nil or opt.top_k >= 1, "top_k", "None or a positive integer")
end

-- max_k: None or a positive integer.
local function check_max_k(opt)
  metric.check(opt.max_k == nil or opt.max_k >= 1, "max_k", "None or a positive integer")
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

-- `mask` (bool, one per ranked document) restricted to the first top_k
-- documents of each query (None: all).
local function in_top_k(r, opt, mask)
  if opt.top_k == nil then return mask end
  return mask:logical_and(r.rank:lt(opt.top_k))
end

-- The hits of the ranked documents: relevant, with a positive score, and
-- among the first top_k of their query.
local function hits(r, opt)
  return in_top_k(r, opt, r.rel:gt(0):logical_and(r.scores:gt(0)))
end

-- The running sum of int64 `values` within each query, through each
-- ranked document (the document itself included).
local function running(r, values)
  local through = values:cumsum(0)
  return through - (through - values):index_select(0, r.first):index_select(0, r.query)
end

-- The runs of equal scores within each query, over ranked documents of
-- scores `score` at ranks `rank`: starts flags the first document of each
-- run (a query's first document starts one), group numbers the runs from 0.
local function tie_groups(score, rank)
  local n = score:numel()
  local starts = rank:eq(0)
  if n > 1 then
    local changed = score:slice(0, 1):ne(score:slice(0, 0, n - 1))
    starts = starts:logical_or(tensor.cat({ tensor.new({ true }), changed }))
  end
  return starts, starts:long():cumsum(0) - 1
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

-- compute for a per-query score: 0 (float32) when nothing was stored;
-- else score(r, opt) over the ranked queries r (see rank_queries) gives
-- the float64 score of each query and, optionally, which queries are empty
-- and what they lack (by default those without a relevant document,
-- "positive"), which aggregate combines.
local function compute(score)
  return function(s, opt)
    if #s.indexes == 0 then return tensor.scalar(0.0, "float32") end
    local r = rank_queries(s)
    local value, empty, lacking = score(r, opt)
    return aggregate(opt, value, empty or per_query(r, r.rel):eq(0), lacking or "positive")
  end
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

return {
  update = update, update_graded = update_graded, options = options, states = states,
  check_top_k = check_top_k, check_max_k = check_max_k, per_query = per_query,
  in_top_k = in_top_k, hits = hits, running = running, tie_groups = tie_groups, compute = compute, curves = curves,
}
