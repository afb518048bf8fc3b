-- Reference: binary calibration error (TorchMetrics' binary_calibration_error).
-- The confidence is the positive-class probability (a sigmoid is applied when
-- the batch holds a value outside [0, 1], or always with
-- input_format='logits'), the accuracy the 0/1 target; binned into n_bins
-- equal-width bins and reduced by norm (l1: expected calibration error, l2,
-- max). Targets equal to ignore_index are dropped; no sample is an error.
-- With per-bin mean accuracy a, mean confidence c and share of samples w:
-- l1 = sum |a - c| w, l2 = sqrt(sum (a - c)^2 w), max = max |a - c|.
local bins = metric.import("bins")
local probabilities = metric.import("probabilities")

return metric.define {
  name = "binary_calibration_error",
  summary = "binned calibration error of binary probabilities (reference)",
  higher_is_better = false,
  options = bins.options("binary"),
  states = bins.bin_states,

  update = function(s, opt, preds, target)
    local p, t = probabilities.binary(preds, target, opt)
    bins.add_to_bins(s, opt, p, t)
  end,

  compute = function(s, opt)
    return bins.calibration_error(s, opt)
  end,
}
