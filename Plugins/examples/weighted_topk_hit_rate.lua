-- weighted_topk_hit_rate: the fraction of samples whose true class is among
-- the k highest scores, with a weight per class (e.g. to make rare or
-- costly classes count more), which TorchMetrics does not offer.
--
--   hit_rate = sum_i w[target_i] * [target_i in top_k(preds_i)] / sum_i w[target_i]
--
-- preds: (N, C) scores; target: (N,) labels in [0, C). `class_weights` holds
-- C non-negative numbers (default: all 1, the plain top-k accuracy). States:
-- the weighted hits and the weighted total, summed, so merge and sync are exact.
--
--   vernier eval --plugins Plugins/examples \
--     --metric "weighted_topk_hit_rate:num_classes=4,top_k=2,class_weights=[1,1,5,5]" \
--     --preds scores.npy --target labels.npy
--
-- Edge cases: a total weight of 0 gives 0; ties at the k-th score go to the
-- lower class index (the tensor library's topk).
return metric.define {
  name = "weighted_topk_hit_rate",
  summary = "top-k hit rate with per-class weights",
  higher_is_better = true,
  options = { num_classes = metric.required("int"), top_k = 1, class_weights = metric.optional("numbers") },

  states = function(opt)
    metric.check(opt.top_k >= 1 and opt.top_k <= opt.num_classes, "top_k", "an integer in [1, num_classes]")
    return {
      { "hits", tensor.zeros({}, "float64"), "sum" },
      { "total", tensor.zeros({}, "float64"), "sum" },
    }
  end,

  update = function(s, opt, preds, target)
    local c = opt.num_classes
    metric.check(preds:dim() == 2 and preds:size(1) == c, "preds", "shape (N, num_classes)")
    metric.check(target:numel() == preds:size(0), "target", "one label per row of preds")
    target = target:long():flatten()
    metric.check(target:min():item() >= 0 and target:max():item() < c, "target", "labels in [0, num_classes)")
    local weights = tensor.ones({ c }, "float64")
    if opt.class_weights then
      metric.check(#opt.class_weights == c, "class_weights", "num_classes numbers")
      weights = tensor.new(opt.class_weights, "float64")
      metric.check(weights:min():item() >= 0, "class_weights", "non-negative numbers")
    end
    local _, top = preds:topk(opt.top_k, 1)
    local hit = top:eq(target:unsqueeze(1)):any(1)
    local w = weights:index_select(0, target)
    s.hits = s.hits + (w * hit:double()):sum()
    s.total = s.total + w:sum()
  end,

  compute = function(s, opt)
    if s.total:item() == 0 then return tensor.scalar(0.0, "float64") end
    return s.hits / s.total
  end,
}
