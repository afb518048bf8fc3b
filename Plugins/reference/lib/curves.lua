-- Curve machinery shared by the reference scripts of the classification
-- curves and the metrics read off them (roc, precision_recall_curve, auroc,
-- average_precision, eer, logauc, *_at_fixed_*, *_at_sensitivity/specificity;
-- binary, multiclass and multilabel): option checks, reading each task's
-- inputs as scores and 0/1 targets, TorchMetrics' _binary_clf_curve, ROC and
-- precision-recall curves (exact and binned), trapezoidal areas,
-- interpolation, macro averaging, the exact mode's cat states, and the
-- per-task define-block pieces (options, update, the columns a compute
-- reads). Each script keeps the formula of its own metric.
local inputs = metric.import("inputs")
local FLOAT, same_shape, rows_by_class = inputs.FLOAT, inputs.same_shape, inputs.rows_by_class

-- thresholds: None (exact curve), an int n >= 2 (linspace(0, 1, n)) or a
-- non-empty list of values in [0, 1]; returns nil or a float32 tensor.
local function threshold_tensor(opt)
  local t = opt.thresholds
  if t == nil then return nil end
  if type(t) == "number" then
    metric.check(math.type(t) == "integer" and t >= 2, "thresholds", "None, an integer >= 2 or a list of thresholds in [0, 1]")
    return tensor.linspace(0, 1, t, "float32")
  end
  metric.check(type(t) == "table" and #t > 0, "thresholds", "None, an integer >= 2 or a list of thresholds in [0, 1]")
  for i = 1, #t do
    metric.check(type(t[i]) == "number" and t[i] >= 0 and t[i] <= 1, "thresholds", "thresholds in [0, 1]")
  end
  return tensor.new(t, "float32")
end

-- The common option checks; returns whether logits get squashed (only the
-- binary metrics have `normalization`: 'sigmoid', or None for raw scores).
local function check_common(opt, binary)
  threshold_tensor(opt)
  if not binary then return true end
  local n = opt.normalization
  metric.check(n == nil or n == "sigmoid" or n == "None" or n == "none", "normalization", "'sigmoid' or None")
  metric.check(n == "sigmoid" or opt.input_format ~= "logits", "input_format", "'auto' or 'probs' with normalization=None")
  return n == "sigmoid"
end

-- Reads the scores that take part as probabilities: TorchMetrics' rule (any
-- value outside [0, 1] means logits) unless input_format pins the reading.
local function read_scores(x, opt, squash)
  metric.check(not x:isnan():any(), "preds", "no NaN scores")
  local outside = x:numel() > 0 and (x:lt(0):any() or x:gt(1):any())
  if opt.input_format == "probs" then
    metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
    return x
  end
  if opt.input_format == "logits" or outside then return squash(x) end
  return x
end

-- Binary: preds (N, ...) float, target (N, ...) 0/1 (or ignore_index,
-- dropped); returns flat scores and flat int64 0/1 targets.
local function binary_batch(preds, target, opt, normalize)
  metric.check(not FLOAT[target:dtype()], "target", "an integer tensor of labels")
  metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
  metric.check(same_shape(preds, target), "target", "the same shape as preds")
  local p, t = inputs.kept_binary(preds:flatten(), target:flatten():long(), opt)
  p = read_scores(p, opt, function(x) if normalize then return x:sigmoid() end return x end)
  return p, t
end

-- Multiclass: preds (N, C, ...) float, target (N, ...) labels in [0, C) (or
-- ignore_index: the row is dropped); softmax over C for logits.
local function multiclass_batch(preds, target, opt)
  local c = opt.num_classes
  metric.check(not FLOAT[target:dtype()], "target", "an integer tensor of labels")
  metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
  local ps, ts = preds:shape(), target:shape()
  metric.check(#ps == #ts + 1, "preds", "one more dimension than target: (N, C, ...) scores for (N, ...) labels")
  metric.check(ps[2] == c, "preds", "shape (N, C, ...) with C = num_classes on axis 1")
  metric.check(ps[1] == ts[1], "target", "shape (N, ...) matching preds (N, C, ...)")
  for i = 2, #ts do metric.check(ps[i + 1] == ts[i], "target", "shape (N, ...) matching preds (N, C, ...)") end
  local t = target:flatten():long()
  local valid = t:ge(0):logical_and(t:lt(c))
  local p = rows_by_class(preds)
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index)
    metric.check(valid:logical_or(keep:logical_not()):all(), "target", "class labels in [0, num_classes) or ignore_index")
    p = p:masked_select(keep:unsqueeze(1)):reshape(-1, c)
    t = t:masked_select(keep)
  else
    metric.check(valid:all(), "target", "class labels in [0, num_classes)")
  end
  p = read_scores(p, opt, function(x)
    metric.check(x:isfinite():all(), "preds", "finite logits (the softmax of an infinite score is undefined)")
    return x:softmax(1)
  end)
  return p, t
end

-- Multilabel: preds and target (N, L, ...); read on the whole batch (ignored
-- positions included, as TorchMetrics does); targets 0/1, or 2 where ignored.
local function multilabel_batch(preds, target, opt)
  local l = opt.num_labels
  metric.check(not FLOAT[target:dtype()], "target", "an integer tensor of labels")
  metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
  metric.check(same_shape(preds, target), "target", "the same shape as preds")
  metric.check(preds:dim() >= 2 and preds:shape()[2] == l, "preds", "shape (N, L, ...) with L = num_labels on axis 1")
  local t = target:long()
  local valid = t:eq(0):logical_or(t:eq(1))
  if opt.ignore_index ~= nil then
    local ignored = t:eq(opt.ignore_index)
    metric.check(valid:logical_or(ignored):all(), "target", "values 0, 1 or ignore_index")
    t = tensor.where(ignored, 2, t)
  else
    metric.check(valid:all(), "target", "values 0 or 1")
  end
  local p = read_scores(preds, opt, function(x) return x:sigmoid() end)
  return rows_by_class(p), rows_by_class(t)
end

-- Every (score, 0/1 target) pair of column `col` (nil: every column pooled,
-- multiclass targets one-hot). Also whether TorchMetrics' "every target is 0"
-- rule applies (multiclass: every label is class 0).
local function column(task, scores, target, col, k)
  if task == "binary" then return scores, target, target:sum():item() == 0 end
  if task == "multiclass" then
    local onehot = target:unsqueeze(1):eq(tensor.arange(k):unsqueeze(0)):long()
    if col == nil then return scores:flatten(), onehot:flatten(), false end
    return scores:slice(1, col, col + 1):flatten(), onehot:slice(1, col, col + 1):flatten(), target:eq(0):all()
  end
  local s, t = scores, target
  if col ~= nil then s, t = s:slice(1, col, col + 1), t:slice(1, col, col + 1) end
  local keep = t:ne(2)
  s, t = s:masked_select(keep), t:masked_select(keep)
  return s, t, t:sum():item() == 0
end

-- TorchMetrics' _binary_clf_curve: scores sorted descending; at the last
-- position of every run of equal scores, the cumulative true positives and
-- false positives (samples with score >= that value) and the score.
local function clf_curve(s, y)
  local n = s:numel()
  metric.check(n > 0, "preds", "at least one sample to compute on (every batch was empty or every target ignored)")
  local sorted, order = s:sort(0, true)
  local ys = y:index_select(0, order):long()
  local run_end = tensor.cat({ sorted:slice(0, 0, n - 1):ne(sorted:slice(0, 1)), tensor.new({ true }) })
  local at = run_end:nonzero():reshape(-1)
  local tps = ys:cumsum(0):index_select(0, at)
  return tps, at + 1 - tps, sorted:index_select(0, at)
end

-- Binned counts for thresholds thr: samples with score >= threshold.
local function binned_counts(s, y, thr)
  local above = s:unsqueeze(1):ge(thr:unsqueeze(0))
  local tp = above:logical_and(y:eq(1):unsqueeze(1)):long():sum(0)
  local fp = above:long():sum(0) - tp
  local pos = y:sum():item()
  return tp, fp, pos, s:numel() - pos
end

-- ROC {fpr, tpr, thresholds} of one column; plus its number of positives.
local function roc_curve(s, y, thr)
  if thr ~= nil then
    local tp, fp, pos, neg = binned_counts(s, y, thr)
    local tpr = pos > 0 and tp:float() / pos or tensor.zeros(thr:numel(), "float32")
    local fpr = neg > 0 and fp:float() / neg or tensor.zeros(thr:numel(), "float32")
    return { fpr:flip(0), tpr:flip(0), thr:flip(0) }, pos
  end
  local tps, fps, cut = clf_curve(s, y)
  local pos, neg = y:sum():item(), s:numel() - y:sum():item()
  local zero = tensor.zeros(1, "int64")
  tps, fps = tensor.cat({ zero, tps }), tensor.cat({ zero, fps })
  local tpr = pos > 0 and tps:float() / pos or tensor.zeros_like(tps, "float32")
  local fpr = neg > 0 and fps:float() / neg or tensor.zeros_like(fps, "float32")
  return { fpr, tpr, tensor.cat({ tensor.ones(1, cut:dtype()), cut }) }, pos
end

-- Precision-recall {precision, recall, thresholds} of one column (recall
-- ascending thresholds, final point (1, 0)); plus its number of positives.
local function pr_curve(s, y, thr, all_zero)
  local one, nought = tensor.ones(1, "float32"), tensor.zeros(1, "float32")
  if thr ~= nil then
    local tp, fp, pos = binned_counts(s, y, thr)
    local precision = tp:float() / (tp + fp):float()
    local recall = tp:float() / tensor.full({}, pos, "float32")
    return { tensor.cat({ precision, one }), tensor.cat({ recall, nought }), thr }, pos
  end
  local tps, fps, cut = clf_curve(s, y)
  local pos = y:sum():item()
  local precision = tps:float() / (tps + fps):float()
  local recall
  if all_zero then recall = tensor.ones_like(precision) else recall = tps:float() / tensor.full({}, pos, "float32") end
  return { tensor.cat({ precision:flip(0), one }), tensor.cat({ recall:flip(0), nought }), cut:flip(0) }, pos
end

-- Trapezoidal area under y(x), accumulated in float64.
local function trapz(x, y)
  local n = x:numel()
  if n < 2 then return tensor.zeros({}, "float64") end
  x, y = x:double(), y:double()
  return ((x:slice(0, 1) - x:slice(0, 0, n - 1)) * (y:slice(0, 1) + y:slice(0, 0, n - 1))):sum() / 2
end

-- TorchMetrics' interp: the segment starting at the k-th point, k the number
-- of xp values <= x minus one (clamped); a vertical segment has slope 0.
local function interp(x, xp, fp)
  local n = xp:numel()
  x, xp, fp = x:double(), xp:double(), fp:double()
  if n < 2 then return tensor.full_like(x, fp:sum():item()) end
  local dx = xp:slice(0, 1) - xp:slice(0, 0, n - 1)
  local dy = fp:slice(0, 1) - fp:slice(0, 0, n - 1)
  local flat = dx:eq(0)
  local m = tensor.where(flat, 0, dy / tensor.where(flat, 1, dx))
  local b = fp:slice(0, 0, n - 1) - m * xp:slice(0, 0, n - 1)
  local sorted = xp:sort(0)
  sorted = sorted:slice(0, 0, n - xp:isnan():count_nonzero())
  local k = (sorted:searchsorted(x, true) - 1):clamp(0, n - 2)
  return m:index_select(0, k) * x + b:index_select(0, k)
end

-- The macro-averaged curve: every curve's points pooled (x ascending, NaN
-- last; thresholds descending for ROC, ascending for PR), y the mean of the
-- curves' interpolated y.
local function macro_curve(curves, descending_thresholds)
  local xs, ths = {}, {}
  for i, c in ipairs(curves) do xs[i], ths[i] = c[1], c[3] end
  local x = tensor.cat(xs):sort(0)
  local thr = tensor.cat(ths):sort(0, descending_thresholds)
  local mean = tensor.zeros(x:numel(), "float64")
  for _, c in ipairs(curves) do mean = mean + interp(x, c[1], c[2]) end
  return { x, (mean / #curves):float(), thr }
end

-- Per-column curves as TorchMetrics returns them: a list of triples (exact)
-- or stacked [K, T] coordinates with the shared thresholds (binned).
local function per_column(curves, binned)
  if not binned then return curves end
  local xs, ys = {}, {}
  for i, c in ipairs(curves) do xs[i], ys[i] = c[1], c[2] end
  return { tensor.stack(xs), tensor.stack(ys), curves[1][3]:float() }
end

-- Per-column scores reduced like TorchMetrics' _reduce_auroc: none keeps
-- them; NaN scores left out; macro the mean, weighted the mean weighted by
-- the kept columns' positives (0 when those sum to 0).
local function reduce(scores, weights, average)
  if average == nil or average == "none" or average == "None" then return scores:float() end
  local keep = scores:isnan():logical_not()
  local s, w = scores:masked_select(keep), weights:masked_select(keep)
  if average == "weighted" then
    local total = w:sum():item()
    if total == 0 then return tensor.zeros({}, "float32") end
    return (s * (w / total)):sum():float()
  end
  return s:mean():float()
end

-- The exact-mode states and their update/compute plumbing.
local CAT_STATES = { { "preds", "cat" }, { "target", "cat" } }

local function append(s, p, t)
  if p:numel() == 0 then return end
  table.insert(s.preds, p)
  table.insert(s.target, t)
end

local function gathered(s)
  metric.check(#s.preds > 0, "preds", "at least one sample to compute on (every batch was empty or every target ignored)")
  return tensor.cat(s.preds), tensor.cat(s.target)
end

-- Position of the lexicographically largest (a, b, c) among the candidate
-- positions `idx` (a first, then b, then c); the first such position.
local function lex_best(idx, a, b, c)
  local sel = idx
  for _, key in ipairs({ a, b, c }) do
    local v = key:index_select(0, sel)
    sel = sel:masked_select(v:eq(v:max()))
  end
  return sel:slice(0, 0, 1)
end

-- An option bound as the float32 scalar TorchMetrics compares float32 curve values with.
local function bound_of(x) return tensor.scalar(x, "float32") end

-- TorchMetrics' utilities.data.interp (unlike numpy's): the points re-sorted
-- by x with PyTorch's default unstable sort (tied fpr carry different tpr,
-- and the result depends on the order that sort leaves them in), then each
-- query extends the segment starting at the last point strictly below it
-- (clamped to the first and last segments), all in float32.
local function torch_interp(x, xp, fp)
  local order = xp:argsort(0, false, false)
  xp, fp = xp:index_select(0, order), fp:index_select(0, order)
  local n = xp:numel()
  local slope = (fp:slice(0, 1) - fp:slice(0, 0, n - 1)) / (xp:slice(0, 1) - xp:slice(0, 0, n - 1))
  local k = (xp:searchsorted(x) - 1):clamp(0, n - 2)
  return fp:index_select(0, k) + slope:index_select(0, k) * (x - xp:index_select(0, k))
end

-- The option naming a multi-column task's number of columns, and its batch reader.
local COUNT = { multiclass = "num_classes", multilabel = "num_labels" }
local BATCH = { multiclass = multiclass_batch, multilabel = multilabel_batch }

-- The options every curve metric of `task` ("binary", "multiclass" or
-- "multilabel") takes, TorchMetrics' names and defaults: thresholds,
-- ignore_index, validate_args, input_format; binary also normalization, the
-- others their required column count (num_classes / num_labels); plus the
-- metric's `extra` ones.
local function task_options(task, extra)
  local options = {
    thresholds = metric.optional("any"), ignore_index = metric.optional("int"), validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits" }, "auto"),
  }
  if task == "binary" then options.normalization = metric.optional("any", "sigmoid") else options[COUNT[task]] = metric.required("int") end
  for name, spec in pairs(extra or {}) do options[name] = spec end
  return options
end

-- The update of a curve metric of `task`: checks.before(opt), the common
-- option checks, checks.after(opt), then for the multi-column tasks a column
-- count >= 2 and `average` among checks.averages (None always allowed) when
-- given; then the batch is read and appended to the cat states.
local function task_update(task, checks)
  checks = checks or {}
  return function(s, opt, preds, target)
    if checks.before then checks.before(opt) end
    local squash = check_common(opt, task == "binary")
    if checks.after then checks.after(opt) end
    if task == "binary" then
      append(s, binary_batch(preds, target, opt, squash))
      return
    end
    local count = COUNT[task]
    metric.check(opt[count] >= 2, count, "an integer >= 2")
    local allowed = checks.averages
    if allowed then
      local a, ok = opt.average, opt.average == nil or opt.average == "None"
      for _, name in ipairs(allowed) do ok = ok or a == name end
      metric.check(ok, "average", "one of " .. table.concat(allowed, ", "))
    end
    append(s, BATCH[task](preds, target, opt))
  end
end

-- The accumulated scores of `task` as columns, for a compute: the
-- thresholds tensor (nil: exact), the number of columns (1 for binary), and
-- col(c) giving column c's (scores, 0/1 targets, every-target-0 rule) (c nil:
-- every column pooled, as micro averaging reads them).
local function task_columns(task, s, opt)
  local p, t = gathered(s)
  local thr = threshold_tensor(opt)
  local k = task == "binary" and 1 or opt[COUNT[task]]
  return thr, k, function(c) return column(task, p, t, c, k) end
end

-- f(scores, targets, thresholds, all_zero) (the signature of roc_curve and
-- pr_curve) over every column of `task` in order: the lists of its first and
-- second results.
local function map_columns(task, s, opt, f)
  local thr, k, col = task_columns(task, s, opt)
  local first, second = {}, {}
  for c = 0, k - 1 do
    local cs, ct, zero = col(c)
    first[c + 1], second[c + 1] = f(cs, ct, thr, zero)
  end
  return first, second
end

-- f(scores, targets, thresholds, all_zero) on every column of `task` pooled (micro).
local function map_pooled(task, s, opt, f)
  local thr, _, col = task_columns(task, s, opt)
  local ps, pt, zero = col(nil)
  return f(ps, pt, thr, zero)
end

-- The options of the metrics returning curves (roc, precision_recall_curve,
-- eer): the task's, plus average (None, micro or macro) for multiclass.
local function curve_options(task)
  return task_options(task, task == "multiclass" and { average = metric.optional("any") } or nil)
end

-- The update of the metrics returning curves.
local function curve_update(task)
  return task_update(task, task == "multiclass" and { averages = { "micro", "macro", "none" } } or nil)
end

-- The curves of `task` as TorchMetrics' *_roc and *_precision_recall_curve
-- return them, from curve(scores, targets, thresholds, all_zero): binary its
-- one curve; multiclass average micro the pooled curve, macro the macro curve
-- (thresholds descending when `descending`); otherwise every column's
-- (per_column).
local function task_curves(task, s, opt, curve, descending)
  local average = task == "multiclass" and opt.average or nil
  if average == "micro" then return (map_pooled(task, s, opt, curve)) end
  local per = map_columns(task, s, opt, curve)
  if task == "binary" then return per[1] end
  if average == "macro" then return macro_curve(per, descending) end
  return per_column(per, threshold_tensor(opt) ~= nil)
end

return {
  task_options = task_options, task_update = task_update, map_columns = map_columns, map_pooled = map_pooled,
  curve_options = curve_options, curve_update = curve_update, task_curves = task_curves,
  roc_curve = roc_curve, pr_curve = pr_curve, trapz = trapz, reduce = reduce, CAT_STATES = CAT_STATES,
  lex_best = lex_best, bound_of = bound_of, torch_interp = torch_interp,
}
