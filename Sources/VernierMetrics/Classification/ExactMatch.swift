import VernierCore
import VernierTensor

/// Exact match from the `correct` and `total` states: `correct / total`
/// (0 when nothing was counted), a float32 scalar (global) or one value per
/// sample (samplewise).
enum ExactMatchFormula {
    static func value(_ state: MetricState, _ cfg: StatScoresConfig) -> MetricValue {
        if cfg.multidimAverage == .global {
            return .scalar(safeDivide(state["correct"].item(), state["total"].item()))
        }
        let correct = state.concatenated("correct")?.toDoubles() ?? []
        let total = state.concatenated("total")?.toDoubles() ?? []
        return .tensor(Tensor(zip(correct, total).map { Float(safeDivide($0, $1)) }, shape: [correct.count]))
    }
}

/// Multiclass exact match: the fraction of samples whose every position is
/// predicted right (positions whose target is `ignore_index` count as
/// right). With `multidim_average="samplewise"`, 1 or 0 per sample.
///
/// Inputs: `preds` (N, C, ...) scores (argmax) or (N, ...) labels; `target`
/// (N, ...) labels in [0, C) or `ignore_index`. Output: a float32 scalar,
/// or `[N]` samplewise. Nothing counted: 0.
public final class MulticlassExactMatch: ClassificationCountingMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_exact_match", domain: .classification, summary: "fraction of samples predicted right at every position",
        options: [ClassificationOptions.numClasses, ClassificationOptions.multidimAverage, ClassificationOptions.ignoreIndex,
                  ClassificationOptions.validateArgs]
    ) { try MulticlassExactMatch(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name, statistics: .exactMatch)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass exact match over `numClasses` classes.
    public convenience init(numClasses: Int, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "multidim_average": .string(multidimAverage.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { ExactMatchFormula.value(state, config) }
}

/// Multilabel exact match: the fraction of positions whose labels are all
/// predicted right (labels whose target is `ignore_index` count as right).
/// For `(N, L)` inputs a position is a sample; for `(N, L, ...)` every
/// trailing position of every sample is one. With
/// `multidim_average="samplewise"`, the fraction within each sample.
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index`. Output: a float32 scalar, or `[N]` samplewise. Nothing
/// counted: 0.
public final class MultilabelExactMatch: ClassificationCountingMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_exact_match", domain: .classification, summary: "fraction of positions with every label predicted right",
        options: [ClassificationOptions.numLabels, ClassificationOptions.threshold, ClassificationOptions.multidimAverage,
                  ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs, ClassificationOptions.inputFormat]
    ) { try MultilabelExactMatch(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name, statistics: .exactMatch)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel exact match over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "multidim_average": .string(multidimAverage.rawValue),
                       "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { ExactMatchFormula.value(state, config) }
}
