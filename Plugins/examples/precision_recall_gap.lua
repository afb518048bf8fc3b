-- precision_recall_gap: binary precision minus binary recall, built from the
-- registry's binary_precision and binary_recall instead of re-counting.
--
-- A positive gap means the classifier is conservative (it misses positives
-- more often than it raises false alarms); a negative gap, the reverse.
-- Both members count tp/fp/tn/fn the same way, so they share one state
-- (a compute group): each batch is counted once.
--
--   vernier eval --plugins Plugins/examples --metric precision_recall_gap \
--     --preds preds.npy --target target.npy
--
-- Edge cases follow the members: with no predicted positives precision is 0
-- (TorchMetrics' zero_division default), with no actual positives recall is 0.
return metric.define {
  name = "precision_recall_gap",
  summary = "binary precision minus binary recall at threshold 0.5",
  inputs = { "preds", "target" },
  uses = {
    precision = metric.builtin("binary_precision", { threshold = 0.5 }),
    recall = metric.builtin("binary_recall", { threshold = 0.5 }),
  },
  compute = function(s, opt, used)
    return used.precision - used.recall
  end,
}
