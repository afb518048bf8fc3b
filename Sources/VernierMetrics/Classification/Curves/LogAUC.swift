import Foundation
import VernierCore
import VernierTensor

/// LogAUC: the area under ROC curves (``ROCFormula``) with fpr on a log10
/// scale, over `fpr_range` (default [0.001, 0.1]), normalised by the log
/// width of the range, so 1 is a perfect classifier (TorchMetrics'
/// `_binary_logauc_compute`, `_reduce_logauc`).
///
/// Binary: a float32 scalar. Multiclass (one-vs-rest) and multilabel: per
/// column `[K]` with `average=None` (default), or their mean with `macro`
/// (columns whose score is NaN left out). A curve of fewer than two points: 0.
public struct LogAUCFormula: CurveFormula {
    /// `binary_logauc` (with `fpr_range`), `multiclass_logauc`, `multilabel_logauc` (with `fpr_range` and `average`); higher is better.
    public static let family = ClassificationFamily("logauc", higherIsBetter: true, summaries: [
        .binary: "area under the ROC curve with log-scaled fpr over fpr_range",
        .multiclass: "one-vs-rest LogAUC of multiclass scores (per class or macro)",
        .multilabel: "LogAUC of every label of multilabel scores (per label or macro)",
    ]) { task in
        CurveOptions.specs(task, task == .binary ? [fprRange] : [fprRange, CurveOptions.average(["macro", "none"], default: .none)])
    }

    /// The fpr interval `(low, high)`.
    let range: (Double, Double)
    /// `none` (one value per column) or `macro`.
    let average: String

    /// Reads `fpr_range` and `average`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``
    ///   unless `fpr_range` is `[low, high]` with 0 < low < high <= 1.
    public init(options: MetricOptions, metric: String) throws {
        range = try Self.range(options, metric: metric)
        average = CurveOptions.averageName(options)
    }

    /// A scalar for the binary task; otherwise per column `[K]` (`average`
    /// none) or their mean over columns that are not NaN (`macro`).
    public func value(of data: CurveData) throws -> MetricValue {
        let scores = try data.curves(.roc).map { try Self.logAUC($0, range: range) }
        if data.cfg.task == .binary { return .scalar(scores[0]) }
        return CurveMath.reduce(scores, average: average, weights: [])
    }

    /// `[low, high]` as an option value.
    static func optionValue(_ range: (Double, Double)) -> OptionValue { .list([.double(range.0), .double(range.1)]) }

    static let fprRange = OptionSpec("fpr_range", .doubleList, default: .list([.double(0.001), .double(0.1)]),
                                     help: "[low, high]: the fpr interval, 0 < low < high <= 1")

    /// Reads and checks `fpr_range`. A low bound of 0 is refused (TorchMetrics
    /// accepts it, but log10(0) makes the area NaN).
    static func range(_ options: MetricOptions, metric: String) throws -> (Double, Double) {
        let r = options.doubles("fpr_range") ?? [0.001, 0.1]
        guard r.count == 2, r[0] > 0, r[0] < r[1], r[1] <= 1 else {
            throw MetricError.invalidOption(metric: metric, option: "fpr_range", expected: "[low, high] with 0 < low < high <= 1, got \(r)")
        }
        return (r[0], r[1])
    }

    /// The area under `tpr(log10 fpr)` between `log10 low` and `log10 high`,
    /// divided by the width of that interval. The curve gets the two bounds as
    /// extra points (tpr from ``interpolate(_:_:_:)``), then fpr and tpr are
    /// each sorted and cut at the last occurrences of the bounds. Fewer than
    /// two points: 0.
    static func logAUC(_ roc: Curve, range: (Double, Double)) throws -> Double {
        guard roc.x.count >= 2 else { return 0 }
        let bounds = [Float(range.0), Float(range.1)]
        let tpr = CurveMath.sortedNaNLast(roc.y + (try interpolate(bounds, roc.x, roc.y)))
        let logFpr = (roc.x + bounds).sorted().map { Float(log10(Double($0))) }
        let logBounds = bounds.map { Float(log10(Double($0))) }
        guard let lo = logFpr.lastIndex(of: logBounds[0]), let hi = logFpr.lastIndex(of: logBounds[1]), lo <= hi else { return 0 }
        let area = CurveMath.area(x: Array(logFpr[lo...hi]), y: Array(tpr[lo...hi]))
        return area / Double(logBounds[1] - logBounds[0])
    }

    /// TorchMetrics' `utilities.data.interp`, which LogAUC uses (not the
    /// `interp` of the macro-averaged curves): the points are sorted by x with
    /// PyTorch's unstable sort (`argsort(stable: false)`, so tied fpr keep the
    /// tpr order that sort leaves), each query takes the segment starting
    /// at the last point strictly below it (clamped to the first and last
    /// segments), in float32.
    static func interpolate(_ x: [Float], _ xp: [Float], _ fp: [Float]) throws -> [Float] {
        let order = try Tensor(xp).argsort(stable: false).toArray(Int64.self)
        let xs = order.map { xp[Int($0)] }, fs = order.map { fp[Int($0)] }
        return x.map { v in
            var lo = 0, hi = xs.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if xs[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            let k = Swift.min(Swift.max(lo - 1, 0), xs.count - 2)
            let slope = (fs[k + 1] - fs[k]) / (xs[k + 1] - xs[k])
            return fs[k] + slope * (v - xs[k])
        }
    }
}

extension ClassificationMetric where Formula == LogAUCFormula {
    /// Binary LogAUC over `fprRange`.
    public convenience init(fprRange: (Double, Double), thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == BinaryTask {
        try self.init(count: nil, ["fpr_range": LogAUCFormula.optionValue(fprRange)], thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Binary LogAUC over the default range [0.001, 0.1].
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Multiclass LogAUC; `average` is `"macro"` or nil (per class).
    public convenience init(numClasses: Int, fprRange: (Double, Double) = (0.001, 0.1), average: String? = nil,
                            thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == MulticlassTask {
        try self.init(count: numClasses, ["fpr_range": LogAUCFormula.optionValue(fprRange), "average": average.map { .string($0) } ?? .none],
                      thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Multilabel LogAUC; `average` is `"macro"` or nil (per label).
    public convenience init(numLabels: Int, fprRange: (Double, Double) = (0.001, 0.1), average: String? = nil,
                            thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == MultilabelTask {
        try self.init(count: numLabels, ["fpr_range": LogAUCFormula.optionValue(fprRange), "average": average.map { .string($0) } ?? .none],
                      thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

/// LogAUC of binary scores, a float32 scalar (see ``LogAUCFormula``).
public typealias BinaryLogAUC = ClassificationMetric<LogAUCFormula, BinaryTask>

/// One-vs-rest LogAUC of multiclass scores: per class `[C]` (default) or
/// their `macro` mean (see ``LogAUCFormula``).
public typealias MulticlassLogAUC = ClassificationMetric<LogAUCFormula, MulticlassTask>

/// LogAUC of every label of multilabel scores: `[L]` (default) or their
/// `macro` mean (see ``LogAUCFormula``).
public typealias MultilabelLogAUC = ClassificationMetric<LogAUCFormula, MultilabelTask>
