import VernierCore
import VernierTensor

/// Precision and recall from stat scores (TorchMetrics' `_precision_recall_reduce`):
/// precision `tp / (tp + fp)`, recall `tp / (tp + fn)`, per class or on the
/// class-summed counts (`micro`). A 0/0 score is `zero_division` (0 or 1).
enum PrecisionRecallFormula {
    static func precision(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg, topKAware: true) { tp, fp, _, _ in safeDivide(tp, tp + fp, cfg.zeroDivision) }
    }

    static func recall(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg, topKAware: true) { tp, _, _, fn in safeDivide(tp, tp + fn, cfg.zeroDivision) }
    }
}

/// Binary precision: the fraction of positive predictions that are right, `tp / (tp + fp)`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. With no positive prediction (0/0): `zero_division`.
public final class BinaryPrecision: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_precision", domain: .classification, summary: "binary precision, tp / (tp + fp)",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryPrecision(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary precision with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { PrecisionRecallFormula.precision(totals, config) }
}

/// Multiclass precision: per class `tp / (tp + fp)`.
///
/// Reduced by `average`: `micro` is `Σtp / Σ(tp + fp)`; `macro` (default) the mean over
/// classes present in preds or target (with `top_k > 1`: in target); `weighted` weights classes by support
/// `tp + fn`; `none` one value per class. A class with no positive prediction scores `zero_division`.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`.
public final class MulticlassPrecision: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_precision", domain: .classification, summary: "multiclass precision (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassPrecision(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass precision over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { PrecisionRecallFormula.precision(totals, config) }
}

/// Multilabel precision: per label `tp / (tp + fp)`.
///
/// Reduced by `average`: `micro` is `Σtp / Σ(tp + fp)`; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label. A label with no positive prediction scores `zero_division`.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`.
public final class MultilabelPrecision: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_precision", domain: .classification, summary: "multilabel precision (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelPrecision(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel precision over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { PrecisionRecallFormula.precision(totals, config) }
}

/// Binary recall: the fraction of positive targets that are found, `tp / (tp + fn)`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. With no positive target (0/0): `zero_division`.
public final class BinaryRecall: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_recall", domain: .classification, summary: "binary recall, tp / (tp + fn)",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryRecall(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary recall with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { PrecisionRecallFormula.recall(totals, config) }
}

/// Multiclass recall: per class `tp / (tp + fn)`.
///
/// Reduced by `average`: `micro` is `Σtp / Σ(tp + fn)`; `macro` (default) the mean over
/// classes present in preds or target (with `top_k > 1`: in target); `weighted` weights classes by support
/// `tp + fn`; `none` one value per class. A class with no positive target scores `zero_division`.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`.
public final class MulticlassRecall: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_recall", domain: .classification, summary: "multiclass recall (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassRecall(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass recall over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { PrecisionRecallFormula.recall(totals, config) }
}

/// Multilabel recall: per label `tp / (tp + fn)`.
///
/// Reduced by `average`: `micro` is `Σtp / Σ(tp + fn)`; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label. A label with no positive target scores `zero_division`.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`.
public final class MultilabelRecall: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_recall", domain: .classification, summary: "multilabel recall (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelRecall(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel recall over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { PrecisionRecallFormula.recall(totals, config) }
}
