import VernierCore
import VernierTensor

/// The receiver operating characteristic: `[fpr, tpr, thresholds]` per
/// score column (TorchMetrics' `_binary_roc_compute`, `_multiclass_roc_compute`).
///
/// Exact mode (`thresholds=None`): the thresholds are `1` followed by every
/// distinct score, descending; `fpr = fp / negatives` and `tpr = tp /
/// positives` count the samples with `score >= threshold` (the first point is
/// (0, 0)). Without negatives (positives) fpr (tpr) is all 0. Binned mode:
/// the given thresholds, descending, with 0/0 rates as 0. Float32 rates;
/// thresholds in the scores' dtype. No sample at all: an error.
///
/// Multiclass curves are one-vs-rest (class `c`'s positives are the samples
/// labelled `c`); multilabel curves are per label, ignored targets left out
/// of their label's curve (a label with no sample left: an error).
public struct ROCFormula: PerClassCurveFormula {
    /// `binary_roc`, `multiclass_roc` (with `average`), `multilabel_roc`; no direction.
    public static let family = ClassificationFamily("roc", higherIsBetter: nil, summaries: [
        .binary: "ROC curve [fpr, tpr, thresholds] of binary scores",
        .multiclass: "one-vs-rest ROC curves of multiclass scores (per class, micro or macro)",
        .multilabel: "ROC curve of every label of multilabel scores",
    ]) { CurveOptions.perClass($0) }

    /// `none` (one curve per column), `micro` or `macro`.
    let average: String

    /// Reads `average` (only the multiclass metric has it).
    public init(options: MetricOptions, metric: String) { average = CurveOptions.averageName(options) }

    /// The curve or curves for `average`.
    public func value(of data: CurveData) throws -> MetricValue { try data.curveValue(.roc, average: average) }
}

/// The ROC curve of binary scores, `[fpr, tpr, thresholds]` (see ``ROCFormula``).
public typealias BinaryROC = ClassificationMetric<ROCFormula, BinaryTask>

/// One-vs-rest ROC curves of multiclass scores (see ``ROCFormula``).
/// `average`: `None` (default) one `[fpr, tpr, thresholds]` per class
/// (binned: `[fpr [C, T], tpr [C, T], thresholds [T]]`); `micro` one curve
/// over every (sample, class) pair; `macro` every class's points pooled, fpr
/// sorted, tpr the mean of the classes' interpolated tpr, thresholds sorted descending.
public typealias MulticlassROC = ClassificationMetric<ROCFormula, MulticlassTask>

/// ROC curves of multilabel scores, one `[fpr, tpr, thresholds]` per label
/// (binned: stacked `[fpr [L, T], tpr [L, T], thresholds]`; see ``ROCFormula``).
public typealias MultilabelROC = ClassificationMetric<ROCFormula, MultilabelTask>
