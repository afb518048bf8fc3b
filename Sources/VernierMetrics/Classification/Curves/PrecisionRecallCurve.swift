import VernierCore
import VernierTensor

/// The precision-recall curve of binary scores: `[precision, recall, thresholds]`.
///
/// Exact mode: the thresholds are the distinct scores, ascending; at each,
/// `precision = tp / (tp + fp)` and `recall = tp / positives` over the samples
/// with `score >= threshold`; a last point (precision 1, recall 0) closes the
/// curve, so precision and recall have one more element than thresholds.
/// Without any positive target recall is 1 everywhere (TorchMetrics' rule).
/// Binned mode: the given thresholds in the given order; 0/0 gives NaN.
///
/// Inputs as ``BinaryROC``. Float32 values; no sample at all: an error.
public final class BinaryPrecisionRecallCurve: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_precision_recall_curve", domain: .classification,
        summary: "precision-recall curve [precision, recall, thresholds] of binary scores",
        options: CurveOptions.specs(.binary)
    ) { try BinaryPrecisionRecallCurve(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A binary precision-recall curve.
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try data.curve(.pr, 0).value }
}

/// One-vs-rest precision-recall curves of multiclass scores (see
/// ``BinaryPrecisionRecallCurve``).
///
/// `average`: `None` one curve per class (binned: stacked `[C, T+1]` tensors
/// and the shared thresholds); `micro` one curve over every (sample, class)
/// pair; `macro` every class's points pooled, precision sorted ascending,
/// recall the mean of the classes' interpolated recall. A class absent from
/// the targets has NaN recall (0/0) unless every target is 0, as in TorchMetrics.
///
/// Inputs as ``MulticlassROC``.
public final class MulticlassPrecisionRecallCurve: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_precision_recall_curve", domain: .classification,
        summary: "one-vs-rest precision-recall curves of multiclass scores (per class, micro or macro)",
        options: CurveOptions.specs(.multiclass, [CurveOptions.average(["micro", "macro", "none"], default: .none)])
    ) { try MulticlassPrecisionRecallCurve(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass precision-recall curves; `average` is `"micro"`, `"macro"` or nil.
    public convenience init(numClasses: Int, average: String? = nil, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "average": average.map { .string($0) } ?? .none,
                       "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try data.curveValue(.pr, average: average) }
}

/// Precision-recall curves of multilabel scores, one per label (see
/// ``BinaryPrecisionRecallCurve``; ignored targets are left out of their label's curve).
///
/// Inputs as ``MultilabelROC``.
public final class MultilabelPrecisionRecallCurve: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_precision_recall_curve", domain: .classification,
        summary: "precision-recall curve of every label of multilabel scores",
        options: CurveOptions.specs(.multilabel)
    ) { try MultilabelPrecisionRecallCurve(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel precision-recall curves over `numLabels` labels.
    public convenience init(numLabels: Int, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try data.curveValue(.pr, average: "none") }
}
