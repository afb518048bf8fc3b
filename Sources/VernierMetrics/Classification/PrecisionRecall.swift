import VernierCore
import VernierTensor

/// Precision, `tp / (tp + fp)`: the fraction of positive predictions that
/// are right (TorchMetrics' `_precision_recall_reduce`).
///
/// Multiclass and multilabel score each class (label) and reduce by
/// `average`: `micro` is `Σtp / Σ(tp + fp)`; `macro` (default) the mean over
/// classes (multiclass: those present in preds or target; with `top_k > 1`:
/// in target) or over every label; `weighted` weights by support `tp + fn`;
/// `none` one value per class. A 0/0 score (no positive prediction) is
/// `zero_division`. Output: float32, a scalar or `[C]` (`none`); samplewise
/// `[N]` or `[N, C]`.
public struct PrecisionFormula: PlainStatScoreFormula {
    /// `binary_precision`, `multiclass_precision`, `multilabel_precision`; higher is better.
    public static let family = ClassificationFamily("precision", higherIsBetter: true, summaries: [
        .binary: "binary precision, tp / (tp + fp)",
        .multiclass: "multiclass precision (micro/macro/weighted/none)",
        .multilabel: "multilabel precision (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// `tp / (tp + fp)` per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg, topKAware: true) { tp, fp, _, _ in safeDivide(tp, tp + fp, cfg.zeroDivision) }
    }
}

/// Recall, `tp / (tp + fn)`: the fraction of positive targets that are
/// found (TorchMetrics' `_precision_recall_reduce`).
///
/// Multiclass and multilabel score each class (label) and reduce by
/// `average` as ``PrecisionFormula`` does (`micro`: `Σtp / Σ(tp + fn)`). A
/// 0/0 score (no positive target) is `zero_division`. Output as precision's.
public struct RecallFormula: PlainStatScoreFormula {
    /// `binary_recall`, `multiclass_recall`, `multilabel_recall`; higher is better.
    public static let family = ClassificationFamily("recall", higherIsBetter: true, summaries: [
        .binary: "binary recall, tp / (tp + fn)",
        .multiclass: "multiclass recall (micro/macro/weighted/none)",
        .multilabel: "multilabel recall (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// `tp / (tp + fn)` per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg, topKAware: true) { tp, _, _, fn in safeDivide(tp, tp + fn, cfg.zeroDivision) }
    }
}

/// Binary precision, `tp / (tp + fp)` (see ``PrecisionFormula``): a float32
/// scalar, or `[N]` with `multidim_average="samplewise"`. No positive
/// prediction (0/0): `zero_division`.
public typealias BinaryPrecision = ClassificationMetric<PrecisionFormula, BinaryTask>

/// Multiclass precision: per class `tp / (tp + fp)`, reduced by `average`
/// (see ``PrecisionFormula``). A class with no positive prediction scores `zero_division`.
public typealias MulticlassPrecision = ClassificationMetric<PrecisionFormula, MulticlassTask>

/// Multilabel precision: per label `tp / (tp + fp)`, reduced by `average`
/// (see ``PrecisionFormula``). A label with no positive prediction scores `zero_division`.
public typealias MultilabelPrecision = ClassificationMetric<PrecisionFormula, MultilabelTask>

/// Binary recall, `tp / (tp + fn)` (see ``RecallFormula``): a float32
/// scalar, or `[N]` samplewise. No positive target (0/0): `zero_division`.
public typealias BinaryRecall = ClassificationMetric<RecallFormula, BinaryTask>

/// Multiclass recall: per class `tp / (tp + fn)`, reduced by `average` (see
/// ``RecallFormula``). A class with no positive target scores `zero_division`.
public typealias MulticlassRecall = ClassificationMetric<RecallFormula, MulticlassTask>

/// Multilabel recall: per label `tp / (tp + fn)`, reduced by `average` (see
/// ``RecallFormula``). A label with no positive target scores `zero_division`.
public typealias MultilabelRecall = ClassificationMetric<RecallFormula, MultilabelTask>
