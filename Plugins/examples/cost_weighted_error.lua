-- cost_weighted_error: the mean misclassification cost of a multiclass
-- classifier under a user cost matrix, which TorchMetrics does not offer.
--
--   cost = sum over samples of C[target, prediction] / N
--
-- `costs` is the C x C cost matrix, row-major (row = true class, column =
-- predicted class); the default is 0/1 costs, i.e. the error rate. preds are
-- (N, C) scores (argmax is the prediction) or (N,) labels; target is (N,)
-- labels in [0, C). State: the confusion counts (C x C, summed), so merge,
-- checkpoints and distributed sync are exact.
--
--   vernier eval --plugins Plugins/examples \
--     --metric "cost_weighted_error:num_classes=3,costs=[0,1,5,1,0,1,10,1,0]" \
--     --preds logits.npy --target labels.npy
--
-- Edge cases: no samples yet is an error (compute before update); a label
-- outside [0, C) or a cost matrix of the wrong size is rejected.
return metric.define {
  name = "cost_weighted_error",
  summary = "mean misclassification cost under a user cost matrix",
  higher_is_better = false,
  options = { num_classes = metric.required("int"), costs = metric.optional("numbers") },

  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    return { { "confmat", tensor.zeros({ opt.num_classes, opt.num_classes }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local c = opt.num_classes
    local labels = preds
    if preds:dim() == 2 then
      metric.check(preds:size(1) == c, "preds", "shape (N, num_classes)")
      labels = preds:argmax(1)
    end
    labels, target = labels:long(), target:long()
    metric.check(labels:numel() == target:numel(), "target", "one label per sample")
    metric.check(target:min():item() >= 0 and target:max():item() < c, "target", "labels in [0, num_classes)")
    metric.check(labels:min():item() >= 0 and labels:max():item() < c, "preds", "labels in [0, num_classes)")
    local cells = (target * c + labels):flatten():bincount(nil, c * c)
    s.confmat = s.confmat + cells:reshape({ c, c })
  end,

  compute = function(s, opt)
    local c = opt.num_classes
    local costs
    if opt.costs then
      metric.check(#opt.costs == c * c, "costs", "num_classes^2 numbers (row = true class)")
      costs = tensor.new(opt.costs, "float64"):reshape({ c, c })
    else
      costs = tensor.ones({ c, c }, "float64") - tensor.new(tensor.arange(c):one_hot(c), "float64")
    end
    local n = s.confmat:sum():double()
    return (s.confmat:double() * costs):sum() / n
  end,
}
