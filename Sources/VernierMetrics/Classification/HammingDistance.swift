import VernierCore
import VernierTensor

/// Hamming distance, the fraction of wrong predictions (TorchMetrics'
/// `_hamming_distance_reduce`): `1 - (tp + tn) / (tp + fp + tn + fn)` for
/// binary and per label for multilabel; per class `1 - tp / (tp + fn)` (one
/// minus recall) for multiclass.
///
/// Multiclass and multilabel reduce by `average`: `micro` scores the
/// class-summed counts (multiclass: `1 - Σtp / Σ(tp + fn)`, the overall
/// fraction wrong); `macro` (default) the mean over classes present in
/// preds or target (multiclass) or over every label; `weighted` weights by
/// support `tp + fn`; `none` one value per class. Nothing counted (0/0)
/// counts as 0 correct, distance 1: `zero_division` is accepted but, as in
/// TorchMetrics 1.9, not used. Output: float32, a scalar or `[C]` (`none`);
/// samplewise `[N]` or `[N, C]`. Lower is better.
public struct HammingDistanceFormula: PlainStatScoreFormula {
    /// `binary_hamming_distance`, `multiclass_...`, `multilabel_...`; lower is better.
    public static let family = ClassificationFamily("hamming_distance", higherIsBetter: false, summaries: [
        .binary: "binary Hamming distance",
        .multiclass: "multiclass Hamming distance (micro/macro/weighted/none)",
        .multilabel: "multilabel Hamming distance (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// One minus the per-class accuracy (multiclass: recall), reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        if cfg.task == .multiclass { return StatScores.reduce(t, cfg) { tp, _, _, fn in 1 - safeDivide(tp, tp + fn) } }
        return StatScores.reduce(t, cfg) { tp, fp, tn, fn in 1 - safeDivide(tp + tn, tp + fp + tn + fn) }
    }
}

/// Binary Hamming distance, `1 - (tp + tn) / (tp + fp + tn + fn)` (see
/// ``HammingDistanceFormula``): a float32 scalar, or `[N]` samplewise.
/// Nothing counted: 1.
public typealias BinaryHammingDistance = ClassificationMetric<HammingDistanceFormula, BinaryTask>

/// Multiclass Hamming distance: per class `1 - tp / (tp + fn)`, reduced by
/// `average` (see ``HammingDistanceFormula``). Nothing counted: 1.
public typealias MulticlassHammingDistance = ClassificationMetric<HammingDistanceFormula, MulticlassTask>

/// Multilabel Hamming distance: per label `1 - (tp + tn) / (tp + fp + tn + fn)`,
/// reduced by `average` (see ``HammingDistanceFormula``). Nothing counted: 1.
public typealias MultilabelHammingDistance = ClassificationMetric<HammingDistanceFormula, MultilabelTask>
