import VernierCore
import VernierTensor

/// Average precision from precision-recall curves (``PrecisionRecallCurveFormula``;
/// TorchMetrics' `_binary_average_precision_compute`, `_reduce_average_precision`):
/// `Σ (R_i - R_{i+1}) · P_i` over a curve, no interpolation.
///
/// - binary: the AP of the one curve. No positive target: -0.0 (recall is
///   1 everywhere, TorchMetrics' rule).
/// - multiclass (one-vs-rest) and multilabel: each column's AP, reduced by
///   `average`: `macro` (default) the mean, `weighted` weighted by each
///   column's number of positive targets, `none` per column; multilabel
///   `micro` is the AP of one curve over every (sample, label) pair. In exact
///   mode a class absent from the targets is NaN (left out of macro and
///   weighted), as in TorchMetrics; a label without positive targets has
///   recall 1 everywhere and AP 0.
/// Output: float32, a scalar or `[C]` (`none`).
public struct AveragePrecisionFormula: MacroAveragedCurveFormula {
    /// `binary_average_precision`, `multiclass_...`, `multilabel_...` (with `average`); higher is better.
    public static let family = ClassificationFamily("average_precision", higherIsBetter: true, summaries: [
        .binary: "average precision (area under the precision-recall curve) of binary scores",
        .multiclass: "one-vs-rest average precision (macro/weighted/none)",
        .multilabel: "average precision of multilabel scores (micro/macro/weighted/none)",
    ]) { CurveOptions.macroAveraged($0) }

    /// `macro`, `weighted`, `none` or (multilabel) `micro`.
    let average: String

    /// Reads `average`.
    public init(options: MetricOptions, metric: String) { average = CurveOptions.averageName(options) }

    /// The binary AP, or the per-column APs reduced by `average` (`micro`:
    /// one curve over every column pooled).
    public func value(of data: CurveData) throws -> MetricValue {
        let exact = data.cfg.isExact
        return try data.scoreValue(.pr, average: average, binary: { Self.ap($0, zeroNaN: true) }, pooled: { Self.ap($0, zeroNaN: true) },
                                   column: { Self.ap($0, zeroNaN: !exact) })
    }

    /// `AP = -Σ (recall[i+1] - recall[i]) · precision[i]` over the curve (the
    /// step integral, recall decreasing). With `zeroNaN`, NaN precision or
    /// recall count as 0 first (binary and binned curves); otherwise NaN
    /// propagates (exact per-class curves: a class without targets is NaN).
    static func ap(_ pr: Curve, zeroNaN: Bool) -> Double {
        var s = 0.0
        for i in 0..<(Swift.max(pr.x.count, 1) - 1) {
            var p = Double(pr.x[i]), r0 = Double(pr.y[i]), r1 = Double(pr.y[i + 1])
            if zeroNaN {
                if p.isNaN { p = 0 }
                if r0.isNaN { r0 = 0 }
                if r1.isNaN { r1 = 0 }
            }
            s += (r1 - r0) * p
        }
        return -s
    }
}

extension ClassificationMetric where Formula == AveragePrecisionFormula {
    /// Binary average precision.
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

/// Average precision of binary scores, a float32 scalar (see ``AveragePrecisionFormula``).
public typealias BinaryAveragePrecision = ClassificationMetric<AveragePrecisionFormula, BinaryTask>

/// One-vs-rest average precision of multiclass scores, reduced by `average`
/// (see ``AveragePrecisionFormula``).
public typealias MulticlassAveragePrecision = ClassificationMetric<AveragePrecisionFormula, MulticlassTask>

/// Average precision of multilabel scores, each label's AP reduced by
/// `average` (see ``AveragePrecisionFormula``). Ignored targets are left out.
public typealias MultilabelAveragePrecision = ClassificationMetric<AveragePrecisionFormula, MultilabelTask>
