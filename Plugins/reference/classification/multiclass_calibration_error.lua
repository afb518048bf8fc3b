-- Reference: multiclass (top-label) calibration error (TorchMetrics'
-- multiclass_calibration_error). Per sample the confidence is the highest
-- class probability (a softmax over classes is applied when the batch holds a
-- value outside [0, 1], or always with input_format='logits'), the accuracy
-- whether that class (the first highest) is the target; binned into n_bins
-- equal-width bins and reduced by norm (l1, l2, max). Rows whose target is
-- ignore_index are dropped; no sample is an error.
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

-- preds (N, C, ...) as [N*E, C] rows with the class axis last.
local function rows(preds)
  local r = preds:dim()
  if r == 2 then return preds end
  local order = { 0 }
  for i = 2, r - 1 do order[#order + 1] = i end
  order[#order + 1] = 1
  return preds:permute(order):reshape(-1, preds:shape()[2])
end

return metric.define {
  name = "multiclass_calibration_error",
  summary = "binned top-label calibration error of multiclass probabilities (reference)",
  higher_is_better = false,
  options = {
    num_classes = metric.required("int"),
    n_bins = 15,
    norm = metric.choice({ "l1", "l2", "max" }, "l1"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  },
  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    return bin_states(opt)
  end,

  update = function(s, opt, preds, target)
    local c = opt.num_classes
    metric.check(FLOAT[preds:dtype()], "preds", "a float tensor of probabilities or logits")
    local ps, ts = preds:shape(), target:shape()
    metric.check(#ps == #ts + 1, "preds", "one more dimension than target: (N, C, ...) scores for (N, ...) labels")
    metric.check(ps[2] == c, "preds", "shape (N, C, ...) with C = num_classes on axis 1")
    metric.check(ps[1] == ts[1], "target", "shape (N, ...) matching preds (N, C, ...)")
    for i = 2, #ts do metric.check(ps[i + 1] == ts[i], "target", "shape (N, ...) matching preds (N, C, ...)") end
    local t = target:flatten()
    if FLOAT[t:dtype()] then metric.check(t:eq(t:floor()):all(), "target", "integer class labels, found non-integral values") end
    t = t:long()
    local p = rows(preds)
    local valid = t:ge(0):logical_and(t:lt(c))
    if opt.ignore_index ~= nil then
      local keep = t:ne(opt.ignore_index)
      metric.check(valid:logical_or(keep:logical_not()):all(), "target", "class labels in [0, num_classes) or ignore_index")
      p = p:masked_select(keep:unsqueeze(1)):reshape(-1, c)
      t = t:masked_select(keep)
    else
      metric.check(valid:all(), "target", "class labels in [0, num_classes)")
    end
    metric.check(not p:isnan():any(), "preds", "no NaN scores")
    local outside = p:lt(0):any() or p:gt(1):any()
    if opt.input_format == "probs" then
      metric.check(not outside, "preds", "probabilities in [0, 1] (input_format='probs')")
    elseif opt.input_format == "logits" or outside then
      metric.check(p:isfinite():all(), "preds", "finite logits (the softmax of an infinite score is undefined)")
      p = p:softmax(1)
    end
    -- max/argmax over no row would raise; an empty batch adds nothing.
    if t:numel() == 0 then return end
    local conf = p:max(1)
    local hit = p:argmax(1):eq(t)
    add_to_bins(s, opt, conf, hit)
  end,

  compute = calibration,
}
