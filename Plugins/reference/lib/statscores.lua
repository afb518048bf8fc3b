-- Helpers shared by the reference stat-score scripts (accuracy, precision,
-- recall, F-scores, specificity, negative predictive value, Hamming
-- distance, Jaccard index, confusion matrix, ...; binary, multiclass and
-- multilabel) and their modules lib/multiclass.lua and lib/multilabel.lua:
-- checks, count columns and ratios, the [tp, fp, tn, fn, support] rows of
-- stat_scores, and the per-class define-block pieces of multiclass and
-- multilabel.

local is_float = metric.import("inputs").is_float

-- Whether every value of x lies in [lo, hi] (true for an empty x).
local function within(x, lo, hi) return x:numel() == 0 or (x:min():item() >= lo and x:max():item() <= hi) end

-- Column i (0-based) of the last axis of [..., 4] counts [tn, fp, fn, tp].
local function column(c, i) return c:slice(-1, i, i + 1):squeeze(-1) end

-- num / den elementwise, `zero` (default 0) where den is 0.
local function ratio(num, den, zero) return tensor.where(den:eq(0), zero or 0, num / den) end

-- normalize: none keeps the int64 counts; true divides each row (target) by
-- its sum, pred each column (prediction), all the whole matrix (per label for
-- multilabel); 0/0 gives 0, as TorchMetrics replaces the NaN.
local function normalized(m, how)
  if how == true then how = "true" end
  if how == nil or how == false or how == "none" or how == "None" then return m end
  m = m:double()
  local den
  if how == "true" then den = m:sum(-1, true)
  elseif how == "pred" then den = m:sum(-2, true)
  else den = m:sum(-1, true):sum(-2, true) end
  return tensor.where(den:eq(0), 0, m / den):float()
end

-- average: None, micro, macro, weighted or none.
local function check_average(opt)
  local avg = opt.average
  metric.check(avg == nil or avg == "micro" or avg == "macro" or avg == "weighted" or avg == "none" or avg == "None",
    "average", "micro, macro, weighted or none")
end

-- zero_division: 0 or 1.
local function check_zero_division(opt)
  metric.check(opt.zero_division == 0 or opt.zero_division == 1, "zero_division", "0 or 1")
end

-- [tp, fp, tn, fn, support] rows (int64 [..., 5]) of [..., 4] counts
-- [tn, fp, fn, tp], support = tp + fn.
local function stat_rows(c)
  local tn, fp, fn, tp = column(c, 0), column(c, 1), column(c, 2), column(c, 3)
  return tensor.stack({ tp, fp, tn, fn, tp + fn }, -1)
end

-- Reduces per-class [..., K, 5] stat_rows over the class axis by average:
-- micro sums them (int64); macro is their plain mean (float32); weighted
-- weights each row by its support over the support summed over the class
-- axis (`per_sample`) or over every row (float32; NaN without support, as
-- TorchMetrics divides without a guard); none keeps them.
local function reduce_rows(rows, avg, per_sample)
  if avg == "micro" then return rows:sum(-2) end
  if avg == "macro" then return rows:double():mean(-2):float() end
  if avg == "weighted" then
    local support = column(rows, 4):double()
    local share = support / (per_sample and support:sum(-1, true) or support:sum())
    return (rows:double() * share:unsqueeze(-1)):sum(-2):float()
  end
  return rows
end

-- The stat-score define-block pieces of a per-class task, `task` multiclass
-- (K = num_classes) or multilabel (K = num_labels), whose batch counts
-- confusion(preds, target, opt) are int64 [K, 4], or [N, K, 4] samplewise:
-- stat_options, stat_states, stat_update, accumulated and counts.
local function class_stats(task, confusion)
  local multilabel = task == "multilabel"
  local size = multilabel and "num_labels" or "num_classes"

  -- The options of the stat-score metrics (TorchMetrics' names and
  -- defaults), plus `extra` ones (beta for fbeta_score).
  local function stat_options(extra)
    local options = {
      [size] = metric.required("int"),
      average = metric.optional("string", "macro"),
      multidim_average = metric.choice({ "global", "samplewise" }, "global"),
      ignore_index = metric.optional("int"),
      validate_args = true,
      zero_division = 0,
    }
    if multilabel then
      options.threshold = 0.5
      options.input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto")
    else
      options.top_k = 1
    end
    for name, spec in pairs(extra or {}) do options[name] = spec end
    return options
  end

  -- states: after checking the options, the per-class [tn, fp, fn, tp]
  -- counts (int64 summed), or a list of per-sample counts for samplewise.
  local function stat_states(opt)
    metric.check(opt[size] >= 2, size, "an integer >= 2")
    if multilabel then metric.check(opt.threshold >= 0 and opt.threshold <= 1, "threshold", "a number in [0, 1]") end
    check_average(opt)
    if not multilabel then
      metric.check(opt.top_k >= 1 and opt.top_k <= opt.num_classes, "top_k", "an integer in [1, num_classes]")
    end
    check_zero_division(opt)
    if opt.multidim_average == "samplewise" then return { { "confusion", "cat" } } end
    return { { "confusion", tensor.zeros({ opt[size], 4 }, "int64"), "sum" } }
  end

  -- update: adds the batch's counts.
  local function stat_update(s, opt, preds, target)
    local c = confusion(preds, target, opt)
    if opt.multidim_average == "samplewise" then table.insert(s.confusion, c) else s.confusion = s.confusion + c end
  end

  -- The accumulated [tn, fp, fn, tp] counts (int64), one row per sample when samplewise.
  local function accumulated(s, opt)
    if opt.multidim_average ~= "samplewise" then return s.confusion end
    return #s.confusion > 0 and tensor.cat(s.confusion) or tensor.zeros({ 0, opt[size], 4 }, "int64")
  end

  -- The accumulated counts as float64, summed over classes for micro.
  local function counts(s, opt)
    local c = accumulated(s, opt):double()
    if opt.average == "micro" then c = c:sum(-2) end
    return c
  end

  return {
    stat_options = stat_options, stat_states = stat_states, stat_update = stat_update,
    accumulated = accumulated, counts = counts,
  }
end

return {
  is_float = is_float, within = within, column = column, ratio = ratio, normalized = normalized,
  check_average = check_average, check_zero_division = check_zero_division,
  stat_rows = stat_rows, reduce_rows = reduce_rows, class_stats = class_stats,
}
