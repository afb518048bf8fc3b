-- Reference: binary calibration error (TorchMetrics' binary_calibration_error).
-- The confidence is the positive-class probability (a sigmoid is applied when
-- the batch holds a value outside [0, 1], or always with
-- input_format='logits'), the accuracy the 0/1 target; binned into n_bins
-- equal-width bins and reduced by norm (l1: expected calibration error, l2,
-- max). Targets equal to ignore_index are dropped; no sample is an error.
local bins = metric.import("bins")
local inputs = metric.import("inputs")
local FLOAT, same_shape = inputs.FLOAT, inputs.same_shape

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
  states = bins.bin_states,

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
    bins.add_to_bins(s, opt, p, t)
  end,

  compute = calibration,
}
