import VernierCore
import VernierTensor

/// Accuracy from stat scores (TorchMetrics' `_accuracy_reduce`).
///
/// - binary: `(tp + tn) / (tp + fp + tn + fn)`.
/// - multiclass: per class `tp / (tp + fn)` (recall); `micro` is
///   `Σtp / Σ(tp + fn)`, the fraction of correct predictions.
/// - multilabel: per label `(tp + tn) / (tp + fp + tn + fn)`; `micro` sums
///   the four counts over labels first.
/// A 0/0 score is 0. Ignored targets (`ignore_index`) count nowhere.
enum AccuracyFormula {
    static func binary(_ tp: Double, _ fp: Double, _ tn: Double, _ fn: Double) -> Double { safeDivide(tp + tn, tp + fp + tn + fn) }
    static func recall(_ tp: Double, _ fp: Double, _ tn: Double, _ fn: Double) -> Double { safeDivide(tp, tp + fn) }

    static func reduce(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        switch cfg.task {
        case .binary, .multilabel: return StatScores.reduce(t, cfg, score: binary)
        case .multiclass: return StatScores.reduce(t, cfg, topKAware: true, score: recall)
        }
    }
}

/// Binary accuracy: the fraction of elements whose thresholded prediction
/// equals the target, `(tp + tn) / (tp + fp + tn + fn)`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. Every target ignored: 0.
public final class BinaryAccuracy: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_accuracy", domain: .classification, summary: "fraction of correct binary predictions",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryAccuracy(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary accuracy with TorchMetrics' defaults (`threshold` 0.5, global).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(["threshold": .double(threshold), "multidim_average": .string(multidimAverage.rawValue),
                       "ignore_index": ignoreIndex.map { .int($0) } ?? .none])
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { AccuracyFormula.reduce(totals, config) }
}

/// Multiclass accuracy: per class `tp / (tp + fn)`, reduced by `average`
/// (`micro`: overall fraction correct; `macro` default: mean over classes
/// present in preds or target; `weighted`: by support; `none`: per class).
///
/// Inputs: `preds` (N, C, ...) scores (argmax, or top-k: a sample counts as
/// correct when its target is among the `top_k` highest scores) or (N, ...)
/// labels; `target` (N, ...) labels in [0, C) or `ignore_index`.
public final class MulticlassAccuracy: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_accuracy", domain: .classification, summary: "fraction of correct multiclass predictions (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassAccuracy(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass accuracy over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1,
                            multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "average": .string(average.rawValue), "top_k": .int(topK),
                       "multidim_average": .string(multidimAverage.rawValue), "ignore_index": ignoreIndex.map { .int($0) } ?? .none])
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { AccuracyFormula.reduce(totals, config) }
}

/// Multilabel accuracy: per label `(tp + tn) / (tp + fp + tn + fn)`, reduced
/// by `average` (`micro` sums the counts over labels first).
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or `ignore_index`.
public final class MultilabelAccuracy: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_accuracy", domain: .classification, summary: "fraction of correct multilabel predictions (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelAccuracy(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel accuracy over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro,
                            multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "average": .string(average.rawValue),
                       "multidim_average": .string(multidimAverage.rawValue), "ignore_index": ignoreIndex.map { .int($0) } ?? .none])
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { AccuracyFormula.reduce(totals, config) }
}
