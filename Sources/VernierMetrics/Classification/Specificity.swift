import VernierCore
import VernierTensor

/// Specificity (true negative rate) from stat scores (TorchMetrics'
/// `_specificity_reduce`): `tn / (tn + fp)`; 0/0 gives 0.
enum SpecificityFormula {
    static func reduce(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        StatScores.reduce(t, cfg) { _, fp, tn, _ in safeDivide(tn, tn + fp) }
    }
}

/// Binary specificity: the fraction of negative targets predicted negative, `tn / (tn + fp)`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Output: a float32 scalar, or `[N]` with
/// `multidim_average="samplewise"`. With no negative target (0/0): 0 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class BinarySpecificity: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_specificity", domain: .classification, summary: "binary specificity",
        options: ClassificationOptions.binaryStatScores
    ) { try BinarySpecificity(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary specificity with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { SpecificityFormula.reduce(totals, config) }
}

/// Multiclass specificity: per class `tn / (tn + fp)`.
///
/// Reduced by `average`: `micro` is `Σtn / Σ(tn + fp)`; `macro` (default) the mean over
/// classes present in preds or target; `weighted` weights classes by support
/// `tp + fn`; `none` one value per class.
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). Output: float32, a scalar or `[C]` (`none`); samplewise `[N]`
/// or `[N, C]`. With no negative target (0/0): 0 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class MulticlassSpecificity: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_specificity", domain: .classification, summary: "multiclass specificity (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassSpecificity(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass specificity over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { SpecificityFormula.reduce(totals, config) }
}

/// Multilabel specificity: per label `tn / (tn + fp)`.
///
/// Reduced by `average`: `micro` is `Σtn / Σ(tn + fp)`; `macro` (default) the mean over
/// labels; `weighted` weights labels by support `tp + fn`; `none` one value
/// per label.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`);
/// samplewise `[N]` or `[N, L]`. With no negative target (0/0): 0 (`zero_division` is accepted but, as in TorchMetrics 1.9, not used: 0/0 gives 0).
public final class MultilabelSpecificity: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_specificity", domain: .classification, summary: "multilabel specificity (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelSpecificity(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel specificity over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        let options = ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision)
        try self.init(options)
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { SpecificityFormula.reduce(totals, config) }
}
