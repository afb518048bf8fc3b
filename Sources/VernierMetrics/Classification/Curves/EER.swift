import VernierCore
import VernierTensor

/// The equal error rate of ROC curves (TorchMetrics' `_eer_compute`).
enum EERFormula {
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
    static func value(_ data: CurveData, average: String) throws -> MetricValue {
        switch average {
        case "micro": return .tensor(Tensor.scalar(Double(eer(try data.curve(.roc, nil)))))
        case "macro": return .tensor(Tensor.scalar(Double(eer(CurveMath.macroAverage(try data.curves(.roc), .roc)))))
        default:
            let values = try data.curves(.roc).map(eer)
            return .tensor(data.cfg.task == .binary ? Tensor.scalar(Double(values[0])) : Tensor(values))
        }
    }
}

/// Equal error rate of binary scores: on the ROC curve of ``BinaryROC``, the
/// point where the false positive rate is closest to the false negative rate
/// `1 - tpr`, and the mean of the two there. Output: a float32 scalar.
public final class BinaryEER: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_eer", domain: .classification, summary: "equal error rate of binary scores",
        options: CurveOptions.specs(.binary)
    ) { try BinaryEER(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary equal error rate.
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try EERFormula.value(data, average: "none") }
}

/// Equal error rate of multiclass scores (see ``BinaryEER``) on the ROC
/// curves of ``MulticlassROC``: per class `[C]` with `average=None`
/// (default); a scalar for the `micro` or `macro` curve.
public final class MulticlassEER: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_eer", domain: .classification, summary: "equal error rate of multiclass scores (per class, micro or macro)",
        options: CurveOptions.specs(.multiclass, [CurveOptions.average(["micro", "macro", "none"], default: .none)])
    ) { try MulticlassEER(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass equal error rate; `average` is `"micro"`, `"macro"` or nil.
    public convenience init(numClasses: Int, average: String? = nil, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "average": average.map { .string($0) } ?? .none,
                       "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try EERFormula.value(data, average: average) }
}

/// Equal error rate of every label of multilabel scores (see ``BinaryEER``): `[L]`.
public final class MultilabelEER: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_eer", domain: .classification, summary: "equal error rate of every label of multilabel scores",
        options: CurveOptions.specs(.multilabel)
    ) { try MultilabelEER(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel equal error rate over `numLabels` labels.
    public convenience init(numLabels: Int, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try EERFormula.value(data, average: "none") }
}
