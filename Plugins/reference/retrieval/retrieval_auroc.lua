-- Reference: area under the ROC curve per query, for retrieval. Per query,
-- the first top_k documents by score (None: all) are scored as a binary
-- classification: when any of their scores lies outside [0, 1] they are
-- logits and go through a sigmoid (float32); the ROC points are taken at
-- each distinct score (tied scores form one step) and the area is the
-- trapezoid sum. With max_fpr < 1 the area stops at that false positive
-- rate (the last segment interpolated) and is McClish-standardised:
-- (1 + (A - m^2/2) / (m - m^2/2)) / 2. A query whose first top_k documents
-- are all relevant or all non-relevant scores 0. A query without a relevant
-- document is handled by empty_target_action; query scores (float32) are
-- combined by aggregation. Grouping is whole-tensor (stable argsorts,
-- unique counts, cumsum, bincount); no loop over documents or queries.
local retrieval = metric.import("retrieval")

return metric.define {
  name = "retrieval_auroc",
  summary = "area under the ROC curve per query (reference)",
  higher_is_better = true,
  inputs = { "preds", "target", "indexes" },
  options = retrieval.options({ top_k = metric.optional("int"), max_fpr = metric.optional("number") }),
  states = retrieval.states(function(opt)
    retrieval.check_top_k(opt)
    metric.check(opt.max_fpr == nil or (opt.max_fpr > 0 and opt.max_fpr <= 1), "max_fpr", "None or a number in (0, 1]")
  end),
  update = retrieval.update,

  compute = retrieval.compute(function(r, opt)
    local q, score, y, rank = r.query, r.scores, r.rel:double(), r.rank
    if opt.top_k ~= nil then
      local kept = rank:lt(opt.top_k)
      q, score, y, rank = q:masked_select(kept), score:masked_select(kept), y:masked_select(kept), rank:masked_select(kept)
    end
    local positives, negatives = q:bincount(y, r.count), q:bincount(1 - y, r.count)
    local outside = q:bincount(score:lt(0):logical_or(score:gt(1)):double(), r.count):gt(0)
    score = tensor.where(outside:index_select(0, q), score:double():sigmoid():float(), score)
    -- one ROC step per run of equal scores within a query
    local starts, group = retrieval.tie_groups(score, rank)
    local gq = q:masked_select(starts)
    local gpos, gneg = group:bincount(y), group:bincount(1 - y)
    -- true/false positives up to the end of each step, counted within its query
    local tp = gpos:cumsum(0) - (positives:cumsum(0) - positives):index_select(0, gq)
    local fp = gneg:cumsum(0) - (negatives:cumsum(0) - negatives):index_select(0, gq)
    local all_pos, all_neg = positives:clamp(1):index_select(0, gq), negatives:clamp(1):index_select(0, gq)
    local tpr, fpr = tp / all_pos, fp / all_neg
    local tpr0, fpr0 = (tp - gpos) / all_pos, (fp - gneg) / all_neg
    local limit = opt.max_fpr
    local area
    if limit == nil or limit >= 1 then
      area = (fpr - fpr0) * (tpr + tpr0) / 2
    else
      -- the step crossing max_fpr ends there, at the tpr on its straight line
      local tpr_end = tensor.where(fpr:gt(limit), tpr0 + (tpr - tpr0) * (limit - fpr0) / (fpr - fpr0), tpr)
      area = tensor.where(fpr0:lt(limit), (fpr:minimum(limit) - fpr0) * (tpr_end + tpr0) / 2, 0.0)
    end
    local auc = gq:bincount(area, r.count)
    if limit ~= nil and limit < 1 then
      local least = limit * limit / 2
      auc = (1 + (auc - least) / (limit - least)) / 2
    end
    return tensor.where(positives:gt(0):logical_and(negatives:gt(0)), auc, 0.0)
  end),
}
