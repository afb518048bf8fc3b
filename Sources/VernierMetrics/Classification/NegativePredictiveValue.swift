import VernierCore
import VernierTensor

/// Negative predictive value, `tn / (tn + fn)`: the fraction of negative
/// predictions that are right (TorchMetrics' `_negative_predictive_value_reduce`).
///
/// Multiclass and multilabel score each class (label) and reduce by
/// `average`: `micro` is `Σtn / Σ(tn + fn)`; `macro` (default) the mean over
/// classes present in preds or target (with `top_k > 1`: in target) or over
/// every label; `weighted` weights by support `tp + fn`; `none` one value
/// per class. A 0/0 score (no negative prediction) is 0: `zero_division` is
/// accepted but, as in TorchMetrics 1.9, not used. Output: float32, a
/// scalar or `[C]` (`none`); samplewise `[N]` or `[N, C]`.
public struct NegativePredictiveValueFormula: PlainStatScoreFormula {
    /// `binary_negative_predictive_value`, `multiclass_...`, `multilabel_...`; higher is better.
    public static let family = ClassificationFamily("negative_predictive_value", higherIsBetter: true, summaries: [
        .binary: "binary negative predictive value",
        .multiclass: "multiclass negative predictive value (micro/macro/weighted/none)",
        .multilabel: "multilabel negative predictive value (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// `tn / (tn + fn)` per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg, topKAware: true) { _, _, tn, fn in safeDivide(tn, tn + fn) }
    }
}

/// Binary negative predictive value, `tn / (tn + fn)` (see
/// ``NegativePredictiveValueFormula``): a float32 scalar, or `[N]`
/// samplewise. No negative prediction (0/0): 0.
public typealias BinaryNegativePredictiveValue = ClassificationMetric<NegativePredictiveValueFormula, BinaryTask>

/// Multiclass negative predictive value: per class `tn / (tn + fn)`,
/// reduced by `average` (see ``NegativePredictiveValueFormula``). 0/0: 0.
public typealias MulticlassNegativePredictiveValue = ClassificationMetric<NegativePredictiveValueFormula, MulticlassTask>

/// Multilabel negative predictive value: per label `tn / (tn + fn)`,
/// reduced by `average` (see ``NegativePredictiveValueFormula``). 0/0: 0.
public typealias MultilabelNegativePredictiveValue = ClassificationMetric<NegativePredictiveValueFormula, MultilabelTask>
