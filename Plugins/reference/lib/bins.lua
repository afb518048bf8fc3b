-- Confidence binning shared by the reference calibration error scripts
-- (binary_calibration_error, multiclass_calibration_error): the per-bin
-- count, confidence and accuracy states, and adding a batch to them. Each
-- script keeps the formula of its own metric.
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

return {
  bin_states = bin_states, add_to_bins = add_to_bins,
}
