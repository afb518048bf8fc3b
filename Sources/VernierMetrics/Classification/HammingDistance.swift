import VernierCore
import VernierTensor

/// Hamming distance from stat scores (TorchMetrics' `_hamming_distance_reduce`):
/// the fraction of wrong predictions, `1 - (tp + tn) / (tp + fp + tn + fn)`
/// for binary and multilabel; per class `1 - tp / (tp + fn)` for
/// multiclass. 0/0 counts as 0 correct (distance 1).
enum HammingDistanceFormula {
    static func reduce(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        if cfg.task == .multiclass { return StatScores.reduce(t, cfg) { tp, _, _, fn in 1 - safeDivide(tp, tp + fn) } }
        return StatScores.reduce(t, cfg) { tp, fp, tn, fn in 1 - safeDivide(tp + tn, tp + fp + tn + fn) }
    }
}

/// Binary Hamming distance: the fraction of wrong predictions, `1 - (tp + tn) / (tp + fp + tn + fn)`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. With nothing counted: 1 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class BinaryHammingDistance: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_hamming_distance", domain: .classification, summary: "binary Hamming distance",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryHammingDistance(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary Hamming distance with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { HammingDistanceFormula.reduce(totals, config) }
}

/// Multiclass Hamming distance: per class `1 - tp / (tp + fn)` (one minus recall).
///
/// Reduced by `average`: `micro` is the fraction of wrong predictions, `1 - Σtp / Σ(tp + fn)`; `macro` (default) the mean over
/// classes present in preds or target; `weighted` weights classes by support
/// `tp + fn`; `none` one value per class.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`. With nothing counted: 1 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class MulticlassHammingDistance: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_hamming_distance", domain: .classification, summary: "multiclass Hamming distance (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassHammingDistance(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass Hamming distance over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { HammingDistanceFormula.reduce(totals, config) }
}

/// Multilabel Hamming distance: per label `1 - (tp + tn) / (tp + fp + tn + fn)`.
///
/// Reduced by `average`: `micro` is `1 - Σ(tp + tn) / Σ(tp + fp + tn + fn)`; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`. With nothing counted: 1 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class MultilabelHammingDistance: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_hamming_distance", domain: .classification, summary: "multilabel Hamming distance (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelHammingDistance(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel Hamming distance over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { HammingDistanceFormula.reduce(totals, config) }
}
