import VernierCore
import VernierTensor

/// Average precision from precision-recall curves (TorchMetrics'
/// `_binary_average_precision_compute`, `_reduce_average_precision`).
enum AveragePrecisionFormula {
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

    /// Per-column AP reduced by `average` (`micro`: one curve over every column pooled).
    static func reduce(_ data: CurveData, average: String) throws -> MetricValue {
        if average == "micro" { return .scalar(ap(try data.curve(.pr, nil), zeroNaN: true)) }
        let curves = try data.curves(.pr)
        let scores = curves.map { ap($0, zeroNaN: !data.cfg.isExact) }
        return CurveMath.reduce(scores, average: average, weights: curves.map(\.positives))
    }
}

/// Average precision of binary scores: `Σ (R_i - R_{i+1}) · P_i` over the
/// precision-recall curve of ``BinaryPrecisionRecallCurve`` (no interpolation).
///
/// No positive target: -0.0 (recall is 1 everywhere, TorchMetrics' rule).
/// Output: a float32 scalar.
public final class BinaryAveragePrecision: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_average_precision", domain: .classification, summary: "average precision (area under the precision-recall curve) of binary scores",
        options: CurveOptions.specs(.binary)
    ) { try BinaryAveragePrecision(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary average precision.
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue {
        .scalar(AveragePrecisionFormula.ap(try data.curve(.pr, 0), zeroNaN: true))
    }
}

/// One-vs-rest average precision of multiclass scores, reduced by `average`:
/// `macro` (default) the mean, `weighted` weighted by each class's number of
/// targets, `none` per class. In exact mode a class absent from the targets
/// is NaN (left out of macro/weighted), as in TorchMetrics.
public final class MulticlassAveragePrecision: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_average_precision", domain: .classification, summary: "one-vs-rest average precision (macro/weighted/none)",
        options: CurveOptions.specs(.multiclass, [CurveOptions.average(["macro", "weighted", "none"], default: .string("macro"))])
    ) { try MulticlassAveragePrecision(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass average precision; `average` is `"macro"`, `"weighted"` or `"none"`.
    public convenience init(numClasses: Int, average: String = "macro", thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "average": .string(average), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try AveragePrecisionFormula.reduce(data, average: average) }
}

/// Average precision of multilabel scores, reduced by `average`: `micro` one
/// curve over every (sample, label) pair, `macro` (default) the mean,
/// `weighted` by each label's positives, `none` per label. A label without
/// positive targets has recall 1 everywhere and AP 0. Ignored targets are left out.
public final class MultilabelAveragePrecision: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_average_precision", domain: .classification, summary: "average precision of multilabel scores (micro/macro/weighted/none)",
        options: CurveOptions.specs(.multilabel, [CurveOptions.average(["micro", "macro", "weighted", "none"], default: .string("macro"))])
    ) { try MultilabelAveragePrecision(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel average precision; `average` is `"micro"`, `"macro"`, `"weighted"` or `"none"`.
    public convenience init(numLabels: Int, average: String = "macro", thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "average": .string(average), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try AveragePrecisionFormula.reduce(data, average: average) }
}
