-- Reference: multiclass (top-label) calibration error (TorchMetrics'
-- multiclass_calibration_error). Per sample the confidence is the highest
-- class probability (a softmax over classes is applied when the batch holds a
-- value outside [0, 1], or always with input_format='logits'), the accuracy
-- whether that class (the first highest) is the target; binned into n_bins
-- equal-width bins and reduced by norm (l1, l2, max). Rows whose target is
-- ignore_index are dropped; no sample is an error.
-- With per-bin mean accuracy a, mean confidence c and share of samples w:
-- l1 = sum |a - c| w, l2 = sqrt(sum (a - c)^2 w), max = max |a - c|.
local bins = metric.import("bins")
local probabilities = metric.import("probabilities")

return metric.define {
  name = "multiclass_calibration_error",
  summary = "binned top-label calibration error of multiclass probabilities (reference)",
  higher_is_better = false,
  options = bins.options("multiclass"),
  states = function(opt)
    metric.check(opt.num_classes >= 2, "num_classes", "an integer >= 2")
    return bins.bin_states(opt)
  end,

  update = function(s, opt, preds, target)
    local p, t = probabilities.multiclass(preds, target, opt)
    -- max/argmax over no row would raise; an empty batch adds nothing.
    if t:numel() == 0 then return end
    local conf = p:max(1)
    local hit = p:argmax(1):eq(t)
    bins.add_to_bins(s, opt, conf, hit)
  end,

  compute = function(s, opt)
    return bins.calibration_error(s, opt)
  end,
}
