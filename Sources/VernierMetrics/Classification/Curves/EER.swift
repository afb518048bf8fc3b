import VernierCore
import VernierTensor

/// The equal error rate of ROC curves (``ROCFormula``; TorchMetrics'
/// `_eer_compute`): on a curve, the point where the false positive rate is
/// closest to the false negative rate `1 - tpr`, and the mean of the two
/// there.
///
/// Binary: a float32 scalar. Multiclass (one-vs-rest): `[C]` per class with
/// `average=None` (default), a scalar for the `micro` (every column pooled)
/// or `macro` (macro-averaged) curve. Multilabel: `[L]`. An empty curve: NaN.
/// Lower is better.
public struct EERFormula: PerClassCurveFormula {
    /// `binary_eer`, `multiclass_eer` (with `average`), `multilabel_eer`; lower is better.
    public static let family = ClassificationFamily("eer", higherIsBetter: false, summaries: [
        .binary: "equal error rate of binary scores",
        .multiclass: "equal error rate of multiclass scores (per class, micro or macro)",
        .multilabel: "equal error rate of every label of multilabel scores",
    ]) { CurveOptions.perClass($0) }

    /// `none` (one value per column), `micro` or `macro`.
    let average: String

    /// Reads `average` (only the multiclass metric has it).
    public init(options: MetricOptions, metric: String) { average = CurveOptions.averageName(options) }

    /// At the ROC point where the false positive rate is closest to the false
    /// negative rate `1 - tpr` (the first such point), their mean
    /// `(fpr + 1 - tpr) / 2`, in float32 like TorchMetrics.
    static func eer(_ roc: Curve) -> Float {
        guard !roc.x.isEmpty else { return .nan }
        var best = 0
        var bestGap = Float.infinity
        for i in roc.x.indices {
            let gap = Swift.abs(roc.x[i] - (1 - roc.y[i]))
            if gap < bestGap { bestGap = gap; best = i }
        }
        return (roc.x[best] + (1 - roc.y[best])) / 2
    }

    /// A scalar for one curve (binary, micro, macro), `[K]` per column otherwise.
    public func value(of data: CurveData) throws -> MetricValue {
        switch average {
        case "micro": return .tensor(Tensor.scalar(Double(Self.eer(try data.curve(.roc, nil)))))
        case "macro": return .tensor(Tensor.scalar(Double(Self.eer(CurveMath.macroAverage(try data.curves(.roc), .roc)))))
        default:
            let values = try data.curves(.roc).map(Self.eer)
            return .tensor(data.cfg.task == .binary ? Tensor.scalar(Double(values[0])) : Tensor(values))
        }
    }
}

/// Equal error rate of binary scores, a float32 scalar (see ``EERFormula``).
public typealias BinaryEER = ClassificationMetric<EERFormula, BinaryTask>

/// Equal error rate of multiclass scores (see ``EERFormula``): per class
/// `[C]` with `average=None` (default); a scalar for the `micro` or `macro` curve.
public typealias MulticlassEER = ClassificationMetric<EERFormula, MulticlassTask>

/// Equal error rate of every label of multilabel scores, `[L]` (see ``EERFormula``).
public typealias MultilabelEER = ClassificationMetric<EERFormula, MultilabelTask>
