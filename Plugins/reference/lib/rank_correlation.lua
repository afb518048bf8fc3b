-- Machinery shared by the reference rank-correlation scripts
-- (spearman_corrcoef, kendall_rank_corrcoef): the num_outputs states,
-- checking and storing the (N, num_outputs) rows of each batch, and the
-- stored columns. Each script keeps the formula of its own metric.
local inputs = metric.import("inputs")

-- states: after checking num_outputs >= 1, then check(opt) (the metric's
-- own options, when given), the preds and target rows, concatenated.
local function states(check)
  return function(opt)
    metric.check(opt.num_outputs >= 1, "num_outputs", "an integer >= 1")
    if check then check(opt) end
    return { { "preds", "cat" }, { "target", "cat" } }
  end
end

-- update: checks one batch (both float when `floats`; the same shape,
-- not empty, (N) or (N, 1) for one output, (N, num_outputs) otherwise; no
-- NaN, which has no `order`) and appends it as [N, num_outputs] rows.
local function update(floats, order)
  local no_nan = "no NaN (a NaN has no " .. order .. ")"
  return function(s, opt, preds, target)
    if floats then
      metric.check(inputs.is_float(preds), "preds", "a floating-point tensor")
      metric.check(inputs.is_float(target), "target", "a floating-point tensor")
    end
    metric.check(inputs.same_shape(preds, target), "target", "the same shape as preds")
    metric.check(preds:numel() > 0, "preds", "at least one element")
    local shape, k = preds:shape(), opt.num_outputs
    if k == 1 then
      metric.check(#shape == 1 or (#shape == 2 and shape[2] == 1), "preds", "shape (N) or (N, 1)")
    else
      metric.check(#shape == 2 and shape[2] == k, "preds", "shape (N, num_outputs)")
    end
    metric.check(not preds:isnan():any(), "preds", no_nan)
    metric.check(not target:isnan():any(), "target", no_nan)
    table.insert(s.preds, preds:reshape({ shape[1], k }))
    table.insert(s.target, target:reshape({ shape[1], k }))
  end
end

-- The shape of a per-output result: a scalar for one output, else [num_outputs].
local function output_shape(opt) return opt.num_outputs == 1 and {} or { opt.num_outputs } end

-- The stored preds and target as [N, num_outputs] tensors (nil when
-- nothing was stored).
local function stored(s)
  if #s.preds == 0 then return nil, nil end
  return tensor.cat(s.preds), tensor.cat(s.target)
end

-- Column c (0-based) of [N, K] rows, as a 1-D tensor.
local function column(x, c) return x:slice(1, c, c + 1):flatten() end

return { states = states, update = update, output_shape = output_shape, stored = stored, column = column }
