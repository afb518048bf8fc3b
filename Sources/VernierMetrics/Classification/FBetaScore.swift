import VernierCore
import VernierTensor

/// The F-beta score from stat scores (TorchMetrics' `_fbeta_reduce`):
/// `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`, the weighted harmonic mean of
/// precision and recall (β = 1: F1). A 0/0 score (no positive prediction
/// and no positive target) is `zero_division`. Unlike precision and recall,
/// TorchMetrics does not apply the `top_k` rule for absent classes here.
enum FBetaFormula {
    static func reduce(_ t: StatTotals, _ cfg: StatScoresConfig, beta: Double) -> MetricValue {
        let b2 = beta * beta
        return StatScores.reduce(t, cfg) { tp, fp, _, fn in safeDivide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, cfg.zeroDivision) }
    }
}

/// Binary F-beta score: `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`;
/// `beta` (required, > 0) weights recall β times as much as precision.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. A 0/0 score is `zero_division`.
public final class BinaryFBetaScore: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_fbeta_score", domain: .classification, summary: "binary F-beta score",
        options: [ClassificationOptions.beta] + ClassificationOptions.binaryStatScores
    ) { try BinaryFBetaScore(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    /// The weight of recall relative to precision.
    public let beta: Double
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        beta = try ClassificationOptions.beta(options, metric: Self.descriptor.name)
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary F-beta score with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(beta: Double, threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        var options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        options["beta"] = .double(beta)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { FBetaFormula.reduce(totals, config, beta: beta) }
}

/// Multiclass F-beta score: per class `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`;
/// `beta` (required, > 0) weights recall β times as much as precision.
///
/// Reduced by `average`: `micro` scores the summed counts; `macro` (default) the mean over
/// classes present in preds or target; `weighted` weights classes by support
/// `tp + fn`; `none` one value per class.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`. A 0/0 score is `zero_division`.
public final class MulticlassFBetaScore: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_fbeta_score", domain: .classification, summary: "multiclass F-beta score",
        options: [ClassificationOptions.beta] + ClassificationOptions.multiclassStatScores
    ) { try MulticlassFBetaScore(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    /// The weight of recall relative to precision.
    public let beta: Double
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        beta = try ClassificationOptions.beta(options, metric: Self.descriptor.name)
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass F-beta score over `numClasses` classes.
    public convenience init(beta: Double, numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        var options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        options["beta"] = .double(beta)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { FBetaFormula.reduce(totals, config, beta: beta) }
}

/// Multilabel F-beta score: per label `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`;
/// `beta` (required, > 0) weights recall β times as much as precision.
///
/// Reduced by `average`: `micro` scores the summed counts; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`. A 0/0 score is `zero_division`.
public final class MultilabelFBetaScore: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_fbeta_score", domain: .classification, summary: "multilabel F-beta score",
        options: [ClassificationOptions.beta] + ClassificationOptions.multilabelStatScores
    ) { try MultilabelFBetaScore(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    /// The weight of recall relative to precision.
    public let beta: Double
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        beta = try ClassificationOptions.beta(options, metric: Self.descriptor.name)
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel F-beta score over `numLabels` labels.
    public convenience init(beta: Double, numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        var options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        options["beta"] = .double(beta)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { FBetaFormula.reduce(totals, config, beta: beta) }
}

/// Binary F1 score: `2·tp / (2·tp + fn + fp)`, the harmonic mean of
/// precision and recall (F-beta with β = 1).
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. A 0/0 score is `zero_division`.
public final class BinaryF1Score: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_f1_score", domain: .classification, summary: "binary F1 score",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryF1Score(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary F1 score with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { FBetaFormula.reduce(totals, config, beta: 1) }
}

/// Multiclass F1 score: per class `2·tp / (2·tp + fn + fp)`, the harmonic mean of
/// precision and recall (F-beta with β = 1).
///
/// Reduced by `average`: `micro` scores the summed counts; `macro` (default) the mean over
/// classes present in preds or target; `weighted` weights classes by support
/// `tp + fn`; `none` one value per class.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`. A 0/0 score is `zero_division`.
public final class MulticlassF1Score: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_f1_score", domain: .classification, summary: "multiclass F1 score",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassF1Score(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass F1 score over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { FBetaFormula.reduce(totals, config, beta: 1) }
}

/// Multilabel F1 score: per label `2·tp / (2·tp + fn + fp)`, the harmonic mean of
/// precision and recall (F-beta with β = 1).
///
/// Reduced by `average`: `micro` scores the summed counts; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`. A 0/0 score is `zero_division`.
public final class MultilabelF1Score: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_f1_score", domain: .classification, summary: "multilabel F1 score",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelF1Score(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel F1 score over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { FBetaFormula.reduce(totals, config, beta: 1) }
}
