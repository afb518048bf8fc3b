import VernierCore
import VernierTensor

/// Accuracy from stat scores (TorchMetrics' `_accuracy_reduce`).
///
/// - binary: `(tp + tn) / (tp + fp + tn + fn)`, the fraction of elements
///   whose thresholded prediction equals the target.
/// - multiclass: per class `tp / (tp + fn)` (recall); `micro` is
///   `Σtp / Σ(tp + fn)`, the fraction of correct predictions (with `top_k`:
///   of targets among the k highest scores); `macro` (default) the mean over
///   classes present in preds or target; `weighted` by support; `none` per class.
/// - multilabel: per label `(tp + tn) / (tp + fp + tn + fn)`; `micro` sums
///   the four counts over labels first.
/// A 0/0 score (every target ignored) is 0. Output: float32, a scalar or
/// `[C]` (`none`); samplewise `[N]` or `[N, C]`.
public struct AccuracyFormula: PlainStatScoreFormula {
    /// `binary_accuracy`, `multiclass_accuracy`, `multilabel_accuracy`; higher is better.
    public static let family = ClassificationFamily("accuracy", higherIsBetter: true, summaries: [
        .binary: "fraction of correct binary predictions",
        .multiclass: "fraction of correct multiclass predictions (micro/macro/weighted/none)",
        .multilabel: "fraction of correct multilabel predictions (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// The task's accuracy per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        switch cfg.task {
        case .binary, .multilabel: return StatScores.reduce(t, cfg) { tp, fp, tn, fn in safeDivide(tp + tn, tp + fp + tn + fn) }
        case .multiclass: return StatScores.reduce(t, cfg, topKAware: true) { tp, _, _, fn in safeDivide(tp, tp + fn) }
        }
    }
}

/// Binary accuracy, `(tp + tn) / (tp + fp + tn + fn)` (see
/// ``AccuracyFormula``): a float32 scalar, or `[N]` samplewise. Every
/// target ignored: 0.
public typealias BinaryAccuracy = ClassificationMetric<AccuracyFormula, BinaryTask>

/// Multiclass accuracy: per class `tp / (tp + fn)`, reduced by `average`
/// (`micro`: the overall fraction correct; see ``AccuracyFormula``).
public typealias MulticlassAccuracy = ClassificationMetric<AccuracyFormula, MulticlassTask>

/// Multilabel accuracy: per label `(tp + tn) / (tp + fp + tn + fn)`, reduced
/// by `average` (see ``AccuracyFormula``).
public typealias MultilabelAccuracy = ClassificationMetric<AccuracyFormula, MultilabelTask>
