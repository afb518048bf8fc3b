import VernierCore
import VernierTensor

/// Specificity (true negative rate), `tn / (tn + fp)`: the fraction of
/// negative targets predicted negative (TorchMetrics' `_specificity_reduce`).
///
/// Multiclass and multilabel score each class (label) and reduce by
/// `average`: `micro` is `Σtn / Σ(tn + fp)`; `macro` (default) the mean over
/// classes present in preds or target (multiclass) or over every label;
/// `weighted` weights by support `tp + fn`; `none` one value per class.
/// A 0/0 score (no negative target) is 0: `zero_division` is accepted but,
/// as in TorchMetrics 1.9, not used. Output: float32, a scalar or `[C]`
/// (`none`); samplewise `[N]` or `[N, C]`.
public struct SpecificityFormula: PlainStatScoreFormula {
    /// `binary_specificity`, `multiclass_specificity`, `multilabel_specificity`; higher is better.
    public static let family = ClassificationFamily("specificity", higherIsBetter: true, summaries: [
        .binary: "binary specificity",
        .multiclass: "multiclass specificity (micro/macro/weighted/none)",
        .multilabel: "multilabel specificity (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// `tn / (tn + fp)` per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg) { _, fp, tn, _ in safeDivide(tn, tn + fp) }
    }
}

/// Binary specificity, `tn / (tn + fp)` (see ``SpecificityFormula``): a
/// float32 scalar, or `[N]` samplewise. No negative target (0/0): 0.
public typealias BinarySpecificity = ClassificationMetric<SpecificityFormula, BinaryTask>

/// Multiclass specificity: per class `tn / (tn + fp)`, reduced by `average`
/// (see ``SpecificityFormula``). 0/0: 0.
public typealias MulticlassSpecificity = ClassificationMetric<SpecificityFormula, MulticlassTask>

/// Multilabel specificity: per label `tn / (tn + fp)`, reduced by `average`
/// (see ``SpecificityFormula``). 0/0: 0.
public typealias MultilabelSpecificity = ClassificationMetric<SpecificityFormula, MultilabelTask>
