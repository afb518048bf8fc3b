-- Reference: multiclass (top-label) calibration error (TorchMetrics'
-- multiclass_calibration_error). Per sample the confidence is the highest
-- class probability (a softmax over classes is applied when the batch holds a
-- value outside [0, 1], or always with input_format='logits'), the accuracy
-- whether that class (the first highest) is the target; binned into n_bins
-- equal-width bins and reduced by norm (l1, l2, max). Rows whose target is
-- ignore_index are dropped; no sample is an error.
local bins = metric.import("bins")
local inputs = metric.import("inputs")
local FLOAT, rows = inputs.FLOAT, inputs.rows_by_class

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
    return bins.bin_states(opt)
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
    bins.add_to_bins(s, opt, conf, hit)
  end,

  compute = calibration,
}
