-- Confidence binning shared by the reference calibration error scripts
-- (binary_calibration_error, multiclass_calibration_error): their options,
-- the per-bin count, confidence and accuracy states, adding a batch to them,
-- and the calibration error of the bins. Each script keeps how it reads a
-- batch as confidences and accuracies.

-- The options of `task`'s calibration error (TorchMetrics' names and
-- defaults): n_bins, norm, ignore_index, validate_args, input_format;
-- multiclass also num_classes.
local function options(task)
  local options = {
    n_bins = 15,
    norm = metric.choice({ "l1", "l2", "max" }, "l1"),
    ignore_index = metric.optional("int"),
    validate_args = true,
    input_format = metric.choice({ "auto", "probs", "logits", "labels" }, "auto"),
  }
  if task == "multiclass" then options.num_classes = metric.required("int") end
  return options
end

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

-- The calibration error of the bins: with per-bin mean accuracy a, mean
-- confidence c (0 for an empty bin) and share of samples w, by opt.norm
-- l1 = sum |a - c| w (the expected calibration error), l2 = sqrt(sum
-- (a - c)^2 w), max = max |a - c| over every bin. float32. No sample at all
-- is an error.
local function calibration_error(s, opt)
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

return {
  options = options, bin_states = bin_states, add_to_bins = add_to_bins, calibration_error = calibration_error,
}
