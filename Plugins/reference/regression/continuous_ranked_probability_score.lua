-- Reference: continuous ranked probability score of an ensemble forecast,
-- the mean over samples of
--   (1/M) sum_m |x_m - y|  -  (1 / 2M^2) sum_i sum_j |x_i - x_j|
-- for preds (N, M) with M >= 2 members and target (N). The pairwise term
-- is formed directly from all M x M member differences. Empty input is
-- rejected; NaN propagates.
return metric.define {
  name = "continuous_ranked_probability_score",
  summary = "continuous ranked probability score (reference)",
  higher_is_better = false,

  states = {
    { "score", tensor.zeros({}, "float64"), "sum" },
    { "total", tensor.zeros({}, "int64"), "sum" },
  },

  update = function(s, opt, preds, target)
    local shape, tshape = preds:shape(), target:shape()
    metric.check(#shape == 2 and shape[2] >= 2, "preds", "shape (N, M) with M >= 2 ensemble members")
    metric.check(#tshape == 1 and tshape[1] == shape[1], "target", "shape (N) matching preds (N, M)")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local x, y = preds:double(), target:double()
    local m = shape[2]
    local error_term = (x - y:unsqueeze(1)):abs():sum(1) / m
    local spread = (x:unsqueeze(2) - x:unsqueeze(1)):abs():sum(2):sum(1) / (2 * m * m)
    s.score = s.score + (error_term - spread):sum()
    s.total = s.total + shape[1]
  end,

  compute = function(s, opt)
    return (s.score / s.total):float()
  end,
}
