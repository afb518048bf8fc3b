-- Reference: binary calibration error (TorchMetrics' binary_calibration_error).
-- The confidence is the positive-class probability (a sigmoid is applied when
-- the batch holds a value outside [0, 1], or always with
-- input_format='logits'), the accuracy the 0/1 target; binned into n_bins
-- equal-width bins and reduced by norm (l1: expected calibration error, l2,
-- max). Targets equal to ignore_index are dropped; no sample is an error.
local FLOAT = { float32 = true, float64 = true }

-- The bins: boundaries linspace(0, 1, n_bins + 1) in the confidences' dtype;
-- a confidence c falls in bin k when b[k] <= c < b[k+1] (torch.bucketize with
-- right=True, minus one), so a confidence of exactly 1 gets bin n_bins of its
-- own, as in TorchMetrics. The states keep per-bin counts and sums.
local function bin_states(opt)
  metric.check(opt.n_bins >= 1, "n_bins", "an integer >= 1")
  local k = opt.n_bins + 1
  return {
    { "bin_count", tensor.zeros(k, "int64"), "sum" },
    { "bin_confidence", tensor.zeros(k, "float64"), "sum" },
    { "bin_accuracy", tensor.zeros(k, "float64"), "sum" },
  }
end

-- Adds confidences [M] (float) and their 0/1 accuracies [M] to the bins.
local function add_to_bins(s, opt, conf, acc)
  local k = opt.n_bins + 1
  local edges = tensor.linspace(0, 1, k, conf:dtype())
  local bin = (edges:searchsorted(conf, true) - 1):clamp(0)
  s.bin_count = s.bin_count + bin:bincount(nil, k)
  s.bin_confidence = s.bin_confidence + bin:bincount(conf:double(), k)
  s.bin_accuracy = s.bin_accuracy + bin:bincount(acc:double(), k)
end

-- With per-bin mean accuracy a, mean confidence c (0 for an empty bin) and
-- share of samples w: l1 = sum |a - c| w, l2 = sqrt(sum (a - c)^2 w),
-- max = max |a - c| over every bin.
local function calibration(s, opt)
  local total = s.bin_count:sum():item()
  metric.check(total > 0, "preds", "at least one sample to compute on (every batch was empty or every target ignored)")
  local n = s.bin_count:double()
  local safe = n:clamp(1)
  local gap = (s.bin_accuracy / safe - s.bin_confidence / safe):abs()
  local w = n / total
  if opt.norm == "max" then return gap:max():float() end
  if opt.norm == "l2" then return (gap * gap * w):sum():sqrt():float() end
  return (gap * w):sum():float()
end

local function same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

return metric.define {
  name = "binary_calibration_error",
  summary = "binned calibration error of binary probabilities (reference)",
  higher_is_better = false,
  options = {
    n_bins = 15,
    norm = metric.choice({ "l1", "l2", "max" }, "l1"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },
  states = bin_states,

  update = function(s, opt, preds, target)
    metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
    metric.check(same_shape(preds, target), "target", "the same shape as preds")
    local p, t = preds:flatten(), target:flatten()
    if FLOAT[t:dtype()] then metric.check(t:eq(t:floor()):all(), "target", "0/1 labels, found non-integral values") end
    t = t:long()
    local binary = t:eq(0):logical_or(t:eq(1))
    if opt.ignore_index ~= nil then
      local keep = t:ne(opt.ignore_index)
      metric.check(binary:logical_or(keep:logical_not()):all(), "target", "values 0, 1 or ignore_index")
      p, t = p:masked_select(keep), t:masked_select(keep)
    else
      metric.check(binary:all(), "target", "values 0 or 1")
    end
    metric.check(not p:isnan():any(), "preds", "no NaN scores")
    local outside = p:lt(0):any() or p:gt(1):any()
    if opt.input_format == "probs" then
      metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
    elseif opt.input_format == "logits" or outside then
      p = p:sigmoid()
    end
    add_to_bins(s, opt, p, t)
  end,

  compute = calibration,
}
