-- Reference: cosine similarity of each pair of rows of (N, D) inputs,
-- dot(p, t) / (||p|| * ||t||), reduced over rows by `reduction`: "sum"
-- (default), "mean", or "none"/None (one value per row). A zero row has no
-- direction: 0/0 = NaN. The rows are kept (as TorchMetrics keeps them) and
-- scored at compute. Nothing seen: sum 0, mean NaN, none an empty tensor.
local inputs = metric.import("inputs")

return metric.define {
  name = "cosine_similarity",
  summary = "cosine similarity of rows (reference)",
  higher_is_better = true,
  options = { reduction = metric.choice({ "sum", "mean", "none", "None" }, "sum") },

  states = {
    { "preds", "cat" },
    { "target", "cat" },
  },

  update = function(s, opt, preds, target)
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:dim() == 2, "preds", "a 2-D (N, D) tensor")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    table.insert(s.preds, preds:float())
    table.insert(s.target, target:float())
  end,

  compute = function(s, opt)
    local per_row = opt.reduction == nil or opt.reduction == "none" or opt.reduction == "None"
    if #s.preds == 0 then
      if per_row then return tensor.zeros({ 0 }, "float32") end
      return tensor.scalar(opt.reduction == "sum" and 0.0 or 0 / 0, "float32")
    end
    local p, t = tensor.cat(s.preds):double(), tensor.cat(s.target):double()
    local dot = (p * t):sum(1)
    local norms = (p * p):sum(1):sqrt() * (t * t):sum(1):sqrt()
    local similarity = dot / norms
    if per_row then return similarity:float() end
    if opt.reduction == "sum" then return similarity:sum():float() end
    return similarity:mean():float()
  end,
}
