-- Reference: multiclass accuracy, per class tp / (tp + fn) (recall), 0 when
-- the class has no target. micro: sum(tp) / sum(tp + fn), the fraction
-- right; macro: mean over the classes present in preds or target (top_k > 1:
-- in target); weighted: weights tp + fn; none: per class. Predictions are
-- the argmax of (N, C, ...) scores, or the target when it is among the
-- top_k scores, or (N, ...) integer labels. Targets equal to ignore_index
-- count nowhere. samplewise: one value per sample.
local function is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

-- Per class [tn, fp, fn, tp] of one batch: int64 [C, 4], or [N, C, 4] samplewise.
local function confusion(preds, target, opt)
  local C, k = opt.num_classes, opt.top_k
  local ps, ts = preds:shape(), target:shape()
  local samplewise = opt.multidim_average == "samplewise"
  metric.check(#ts >= 1, "target", "shape (N, ...)")
  metric.check(not is_float(target) or target:eq(target:floor()):all(), "target", "integer labels")
  local t, p = target:long(), nil
  if #ps == #ts + 1 then
    metric.check(is_float(preds), "preds", "a float tensor of scores when it has one more dimension than target")
    metric.check(ps[2] == C, "preds", "shape (N, C, ...) with C = num_classes on axis 1")
    metric.check(ps[1] == ts[1], "preds", "shape (N, C, ...) matching target (N, ...)")
    for i = 2, #ts do metric.check(ps[i + 1] == ts[i], "preds", "shape (N, C, ...) matching target (N, ...)") end
    metric.check(not samplewise or #ps >= 3, "preds", "at least 3 dimensions (N, C, ...) for multidim_average='samplewise'")
    p = preds:argmax(1)
    if k > 1 then
      local _, best = preds:topk(k, 1)
      p = tensor.where(best:eq(t:unsqueeze(1)):any(1), t, p)
    end
  else
    metric.check(#ps == #ts, "preds", "shape (N, ...) like target or (N, C, ...)")
    for i = 1, #ps do metric.check(ps[i] == ts[i], "target", "the same shape as preds") end
    metric.check(k == 1, "preds", "float scores of shape (N, C, ...) when top_k > 1")
    metric.check(not samplewise or #ps >= 2, "preds", "at least 2 dimensions (N, ...) for multidim_average='samplewise'")
    metric.check(not is_float(preds) or preds:eq(preds:floor()):all(), "preds", "integer labels")
    p = preds:long()
    metric.check(within(p, 0, C - 1), "preds", "class labels in [0, num_classes)")
  end
  local rows = samplewise and ts[1] or 1
  local inner = rows > 0 and t:numel() // rows or 0
  local base = samplewise and (tensor.arange(rows) * C):reshape(rows, 1) or 0
  local tc, pc = (t:reshape(rows, inner) + base):flatten(), (p:reshape(rows, inner) + base):flatten()
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index):flatten()
    t, tc, pc = t:flatten():masked_select(keep), tc:masked_select(keep), pc:masked_select(keep)
  end
  metric.check(within(t, 0, C - 1), "target", "class labels in [0, num_classes) or ignore_index")
  local n = rows * C
  local tp = tc:masked_select(tc:eq(pc)):bincount(nil, n)
  local predicted, actual = pc:bincount(nil, n), tc:bincount(nil, n)
  local counted = (tc // C):bincount(nil, rows):reshape(rows, 1)
  local cells = tensor.stack({ counted - (predicted + actual - tp):reshape(rows, C), (predicted - tp):reshape(rows, C),
    (actual - tp):reshape(rows, C), tp:reshape(rows, C) }, 2)
  return samplewise and cells or cells:squeeze(0)
end

local function column(c, i) return c:slice(-1, i, i + 1):squeeze(-1) end
local function ratio(num, den) return tensor.where(den:eq(0), 0, num / den) end

return metric.define {
  name = "multiclass_accuracy",
  summary = "fraction of correct multiclass predictions (reference)",
  higher_is_better = true,
  options = {
    num_classes = metric.required("int"),
    average = metric.optional("string", "macro"),
    top_k = 1,
    multidim_average = metric.choice({ "global", "samplewise" }, "global"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    zero_division = 0,
  },

  states = function(opt)
    local avg = opt.average
    metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
      "average", "micro, macro, weighted or none")
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    metric.check(opt.top_k >= 1 and opt.top_k <= opt.num_classes, "top_k", "an integer in [1, num_classes]")
    metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
    if opt.multidim_average == "samplewise" then return { { "confusion", "cat" } } end
    return { { "confusion", tensor.zeros({ opt.num_classes, 4 }, "int64"), "sum" } }
  end,

  update = function(s, opt, preds, target)
    local c = confusion(preds, target, opt)
    if opt.multidim_average == "samplewise" then table.insert(s.confusion, c) else s.confusion = s.confusion + c end
  end,

  compute = function(s, opt)
    local c = s.confusion
    if opt.multidim_average == "samplewise" then
      c = #c > 0 and tensor.cat(c) or tensor.zeros({ 0, opt.num_classes, 4 }, "int64")
    end
    c = c:double()
    local fp, fn, tp = column(c, 1), column(c, 2), column(c, 3)
    if opt.average == "micro" then return ratio(tp:sum(-1), (tp + fn):sum(-1)):float() end
    local score = ratio(tp, tp + fn)
    if opt.average == nil or opt.average == "none" or opt.average == "None" then return score:float() end
    local w
    if opt.average == "weighted" then w = tp + fn
    elseif opt.top_k > 1 then w = (tp + fn):gt(0):double()
    else w = (tp + fp + fn):gt(0):double() end
    return ratio(w * score, w:sum(-1, true)):sum(-1):float()
  end,
}
