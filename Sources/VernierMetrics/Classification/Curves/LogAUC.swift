import Foundation
import VernierCore
import VernierTensor

/// The area under ROC curves with a log-scaled fpr axis (TorchMetrics'
/// `_binary_logauc_compute`, `_reduce_logauc`).
enum LogAUCFormula {
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

    /// A scalar for the binary task; otherwise per column `[K]` (`average`
    /// none) or their mean over columns that are not NaN (`macro`).
    static func value(_ data: CurveData, range: (Double, Double), average: String) throws -> MetricValue {
        let scores = try data.curves(.roc).map { try logAUC($0, range: range) }
        if data.cfg.task == .binary { return .scalar(scores[0]) }
        return CurveMath.reduce(scores, average: average, weights: [])
    }
}

/// LogAUC of binary scores: the area under the ROC curve of ``BinaryROC``
/// with fpr on a log10 scale, over `fpr_range` (default [0.001, 0.1]),
/// normalised by the log width of the range (1 is a perfect classifier).
public final class BinaryLogAUC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_logauc", domain: .classification, summary: "area under the ROC curve with log-scaled fpr over fpr_range",
        options: CurveOptions.specs(.binary, [LogAUCFormula.fprRange])
    ) { try BinaryLogAUC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let range: (Double, Double)

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        range = try LogAUCFormula.range(options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary LogAUC over `fprRange`.
    public convenience init(fprRange: (Double, Double) = (0.001, 0.1), thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["fpr_range": .list([.double(fprRange.0), .double(fprRange.1)]), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try LogAUCFormula.value(data, range: range, average: "none") }
}

/// One-vs-rest LogAUC of multiclass scores (see ``BinaryLogAUC``): per class
/// `[C]` with `average=None` (default), or their mean with `macro` (classes
/// whose score is NaN left out).
public final class MulticlassLogAUC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_logauc", domain: .classification, summary: "one-vs-rest LogAUC of multiclass scores (per class or macro)",
        options: CurveOptions.specs(.multiclass, [LogAUCFormula.fprRange, CurveOptions.average(["macro", "none"], default: .none)])
    ) { try MulticlassLogAUC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let range: (Double, Double)
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        range = try LogAUCFormula.range(options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass LogAUC; `average` is `"macro"` or nil.
    public convenience init(numClasses: Int, fprRange: (Double, Double) = (0.001, 0.1), average: String? = nil,
                            thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "fpr_range": .list([.double(fprRange.0), .double(fprRange.1)]),
                       "average": average.map { .string($0) } ?? .none, "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try LogAUCFormula.value(data, range: range, average: average) }
}

/// LogAUC of every label of multilabel scores (see ``BinaryLogAUC``): `[L]`
/// with `average=None` (default), or their mean with `macro`.
public final class MultilabelLogAUC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_logauc", domain: .classification, summary: "LogAUC of every label of multilabel scores (per label or macro)",
        options: CurveOptions.specs(.multilabel, [LogAUCFormula.fprRange, CurveOptions.average(["macro", "none"], default: .none)])
    ) { try MultilabelLogAUC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let range: (Double, Double)
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        range = try LogAUCFormula.range(options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel LogAUC; `average` is `"macro"` or nil.
    public convenience init(numLabels: Int, fprRange: (Double, Double) = (0.001, 0.1), average: String? = nil,
                            thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "fpr_range": .list([.double(fprRange.0), .double(fprRange.1)]),
                       "average": average.map { .string($0) } ?? .none, "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try LogAUCFormula.value(data, range: range, average: average) }
}
