import VernierCore
import VernierTensor

/// The precision-recall curve: `[precision, recall, thresholds]` per score
/// column (TorchMetrics' `_binary_precision_recall_curve_compute`).
///
/// Exact mode: the thresholds are the distinct scores, ascending; at each,
/// `precision = tp / (tp + fp)` and `recall = tp / positives` over the samples
/// with `score >= threshold`; a last point (precision 1, recall 0) closes the
/// curve, so precision and recall have one more element than thresholds.
/// Without any positive target recall is 1 everywhere (TorchMetrics' rule).
/// Binned mode: the given thresholds in the given order; 0/0 gives NaN.
/// Float32 values; no sample at all: an error.
///
/// Multiclass curves are one-vs-rest; a class absent from the targets has
/// NaN recall (0/0) unless every target is 0, as in TorchMetrics.
/// Multilabel curves are per label, ignored targets left out of their label's curve.
public struct PrecisionRecallCurveFormula: PerClassCurveFormula {
    /// `binary_precision_recall_curve`, `multiclass_...` (with `average`), `multilabel_...`; no direction.
    public static let family = ClassificationFamily("precision_recall_curve", higherIsBetter: nil, summaries: [
        .binary: "precision-recall curve [precision, recall, thresholds] of binary scores",
        .multiclass: "one-vs-rest precision-recall curves of multiclass scores (per class, micro or macro)",
        .multilabel: "precision-recall curve of every label of multilabel scores",
    ]) { CurveOptions.perClass($0) }

    /// `none` (one curve per column), `micro` or `macro`.
    let average: String

    /// Reads `average` (only the multiclass metric has it).
    public init(options: MetricOptions, metric: String) { average = CurveOptions.averageName(options) }

    /// The curve or curves for `average`.
    public func value(of data: CurveData) throws -> MetricValue { try data.curveValue(.pr, average: average) }
}

/// The precision-recall curve of binary scores, `[precision, recall,
/// thresholds]` (see ``PrecisionRecallCurveFormula``).
public typealias BinaryPrecisionRecallCurve = ClassificationMetric<PrecisionRecallCurveFormula, BinaryTask>

/// One-vs-rest precision-recall curves of multiclass scores (see
/// ``PrecisionRecallCurveFormula``). `average`: `None` one curve per class
/// (binned: stacked `[C, T+1]` tensors and the shared thresholds); `micro`
/// one curve over every (sample, class) pair; `macro` every class's points
/// pooled, precision sorted ascending, recall the mean of the classes'
/// interpolated recall.
public typealias MulticlassPrecisionRecallCurve = ClassificationMetric<PrecisionRecallCurveFormula, MulticlassTask>

/// Precision-recall curves of multilabel scores, one per label (see ``PrecisionRecallCurveFormula``).
public typealias MultilabelPrecisionRecallCurve = ClassificationMetric<PrecisionRecallCurveFormula, MultilabelTask>
