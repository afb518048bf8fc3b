-- Reference: binary AUROC (TorchMetrics' binary_auroc): the trapezoidal area
-- under the ROC curve; with max_fpr in (0, 1) the McClish-standardised
-- partial area 0.5 * (1 + (A - m) / (M - m)), M = max_fpr, m = M^2 / 2, the
-- curve cut at M with tpr interpolated. A single-class target gives the
-- plain area (0).
local curves = metric.import("curves")

-- The partial area up to max_fpr (float32, as TorchMetrics holds it).
local function partial_auc(fpr, tpr, max_fpr)
  local bound = tensor.scalar(max_fpr, "float32")
  local m = bound:double():item()
  local n = fpr:numel()
  local stop = fpr:searchsorted(bound, true):item()
  local before = stop == 0 and n - 1 or stop - 1
  local f0, t0 = fpr:slice(0, before, before + 1):double():item(), tpr:slice(0, before, before + 1):double():item()
  local cut = t0
  -- A curve that never passes max_fpr has no point beyond it: its last tpr holds.
  if stop < n then
    local f1, t1 = fpr:slice(0, stop, stop + 1):double():item(), tpr:slice(0, stop, stop + 1):double():item()
    cut = t0 + (m - f0) / (f1 - f0) * (t1 - t0)
  end
  local x = tensor.cat({ fpr:slice(0, 0, stop), bound:reshape(1) })
  local y = tensor.cat({ tpr:slice(0, 0, stop), tensor.new({ cut }, "float32") })
  local area = curves.trapz(x, y):item()
  local low = 0.5 * m * m
  return tensor.scalar(0.5 * (1 + (area - low) / (m - low)), "float32")
end

return metric.define {
  name = "binary_auroc",
  summary = "area under the ROC curve of binary scores (reference)",
  higher_is_better = true,
  options = curves.task_options("binary", { max_fpr = metric.optional("number") }),
  states = curves.CAT_STATES,
  update = curves.task_update("binary", {
    after = function(opt)
      metric.check(opt.max_fpr == nil or (opt.max_fpr > 0 and opt.max_fpr <= 1), "max_fpr", "None or a number in (0, 1]")
    end,
  }),

  compute = function(s, opt)
    local roc = curves.task_curves("binary", s, opt, curves.roc_curve)
    local fpr, tpr = roc[1], roc[2]
    if opt.max_fpr == nil or opt.max_fpr >= 1 or not fpr:ne(0):any() or not tpr:ne(0):any() then
      return curves.trapz(fpr, tpr):float()
    end
    return partial_auc(fpr, tpr, opt.max_fpr)
  end,
}
