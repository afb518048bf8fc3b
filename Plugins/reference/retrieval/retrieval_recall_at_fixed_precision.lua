-- Reference: retrieval recall at fixed precision. From the aggregated
-- precision-recall curve over the cut-offs k = 1 ... max_k (None: the
-- largest query; see retrieval_precision_recall_curve), the largest recall
-- among cut-offs whose precision is at least min_precision (compared in
-- float32, the curve's precision), and its k (the larger k among equal
-- recalls). No such cut-off, or a best recall of 0: { 0, max_k }. Returns
-- { recall (float32), k (int64) }. Grouping is whole-tensor (stable
-- argsorts, unique counts, scatter_add into a queries x max_k table,
-- cumsum); no loop over documents or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_recall_at_fixed_precision",
  summary = "best recall at k with precision at least min_precision (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ min_precision = 0.0, max_k = metric.optional("int"), adaptive_k = false }),
  states = retrieval.states(function(opt)
    metric.check(opt.min_precision >= 0 and opt.min_precision <= 1, "min_precision", "a number in [0, 1]")
    retrieval.check_max_k(opt)
  end),
  update = retrieval.update,

  compute = function(s, opt)
    local precision, recall, top_k = retrieval.curves(s, opt)
    local k = top_k:numel()
    local allowed = precision:ge(tensor.scalar(opt.min_precision, "float32"))
    if not allowed:any() then return { tensor.scalar(0.0, "float32"), tensor.scalar(k, "int64") } end
    local best = tensor.where(allowed, recall, -1.0):max()
    if best:item() == 0 then return { best, tensor.scalar(k, "int64") } end
    local best_k = tensor.where(allowed:logical_and(recall:eq(best)), top_k, 0):max()
    return { best, best_k }
  end,
}
