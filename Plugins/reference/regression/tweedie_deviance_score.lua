-- Reference: mean Tweedie deviance of order `power` (q), sum(dev) / N with
--   q = 0: (t - p)^2
--   q = 1: 2 (t log(t / p) + p - t), where t log(t / p) is 0 at t = 0
--   q = 2: 2 (log(p / t) + t / p - 1)
--   else:  2 (max(t, 0)^(2-q) / ((1-q)(2-q)) - t p^(1-q) / (1-q) + p^(2-q) / (2-q))
-- Undefined for 0 < q < 1 (rejected). Domain, as TorchMetrics checks it:
-- q < 0 needs preds > 0; 1 <= q < 2 needs preds > 0 and target >= 0;
-- q >= 2 needs both > 0. Any shape (flattened); empty input is rejected.
local inputs = metric.import("inputs")

return metric.define {
  name = "tweedie_deviance_score",
  summary = "mean Tweedie deviance (reference)",
  options = { power = 0.0 },

  states = function(opt)
    metric.check(not (opt.power > 0 and opt.power < 1), "power", "a value outside (0, 1)")
    return {
      { "sum_deviance_score", tensor.zeros({}, "float64"), "sum" },
      { "num_observations", tensor.zeros({}, "int64"), "sum" },
    }
  end,

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local q = opt.power
    local p, t = preds:double(), target:double()
    if q ~= 0 then
      metric.check(not p:le(0):any(), "preds", "strictly positive values for this power")
      if q >= 2 then
        metric.check(not t:le(0):any(), "target", "strictly positive values for this power")
      elseif q >= 1 then
        metric.check(not t:lt(0):any(), "target", "non-negative values for this power")
      end
    end
    local dev
    if q == 0 then
      dev = (t - p) ^ 2
    elseif q == 1 then
      local t_log = tensor.where(t:eq(0), 0.0, t * (t / p):log())
      dev = (t_log + p - t) * 2
    elseif q == 2 then
      dev = ((p / t):log() + t / p - 1) * 2
    else
      local a = t:clamp(0) ^ (2 - q) / ((1 - q) * (2 - q))
      local b = t * p ^ (1 - q) / (1 - q)
      local c = p ^ (2 - q) / (2 - q)
      dev = (a - b + c) * 2
    end
    s.sum_deviance_score = s.sum_deviance_score + dev:sum()
    s.num_observations = s.num_observations + dev:numel()
  end,

  compute = function(s, opt)
    return (s.sum_deviance_score / s.num_observations):float()
  end,
}
