import VernierCore
import VernierTensor

/// Negative predictive value from stat scores (TorchMetrics'
/// `_negative_predictive_value_reduce`): `tn / (tn + fn)`; 0/0 gives 0
/// (TorchMetrics' classes do not pass `zero_division` on).
enum NegativePredictiveValueFormula {
    static func reduce(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg, topKAware: true) { _, _, tn, fn in safeDivide(tn, tn + fn) }
    }
}

/// Binary negative predictive value: the fraction of negative predictions that are right, `tn / (tn + fn)`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. With no negative prediction (0/0): 0 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class BinaryNegativePredictiveValue: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_negative_predictive_value", domain: .classification, summary: "binary negative predictive value",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryNegativePredictiveValue(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary negative predictive value with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { NegativePredictiveValueFormula.reduce(totals, config) }
}

/// Multiclass negative predictive value: per class `tn / (tn + fn)`.
///
/// Reduced by `average`: `micro` is `Σtn / Σ(tn + fn)`; `macro` (default) the mean over
/// classes present in preds or target (with `top_k > 1`: in target); `weighted` weights classes by support
/// `tp + fn`; `none` one value per class.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`. With no negative prediction (0/0): 0 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class MulticlassNegativePredictiveValue: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_negative_predictive_value", domain: .classification, summary: "multiclass negative predictive value (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassNegativePredictiveValue(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass negative predictive value over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { NegativePredictiveValueFormula.reduce(totals, config) }
}

/// Multilabel negative predictive value: per label `tn / (tn + fn)`.
///
/// Reduced by `average`: `micro` is `Σtn / Σ(tn + fn)`; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`. With no negative prediction (0/0): 0 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class MultilabelNegativePredictiveValue: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_negative_predictive_value", domain: .classification, summary: "multilabel negative predictive value (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelNegativePredictiveValue(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel negative predictive value over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { NegativePredictiveValueFormula.reduce(totals, config) }
}
