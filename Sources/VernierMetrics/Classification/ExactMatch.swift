import VernierCore
import VernierTensor

/// Exact match from the `correct` and `total` states: `correct / total`, a
/// float32 scalar (global) or one value per sample (samplewise); nothing
/// counted: 0.
///
/// - multiclass: the fraction of samples whose every position is predicted
///   right (positions whose target is `ignore_index` count as right);
///   samplewise, 1 or 0 per sample.
/// - multilabel: the fraction of positions whose labels are all predicted
///   right (labels whose target is `ignore_index` count as right). For
///   `(N, L)` inputs a position is a sample; for `(N, L, ...)` every
///   trailing position of every sample is one. Samplewise, the fraction
///   within each sample.
public struct ExactMatchFormula: CountingFormula {
    /// `multiclass_exact_match` and `multilabel_exact_match` (TorchMetrics has no binary one); higher is better.
    public static let family = ClassificationFamily("exact_match", higherIsBetter: true, summaries: [
        .multiclass: "fraction of samples predicted right at every position",
        .multilabel: "fraction of positions with every label predicted right",
    ]) { task in
        task == .multiclass
            ? [ClassificationOptions.numClasses, ClassificationOptions.multidimAverage, ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs]
            : [ClassificationOptions.numLabels, ClassificationOptions.threshold, ClassificationOptions.multidimAverage,
               ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs, ClassificationOptions.inputFormat]
    }

    /// ``ClassificationStatistics/exactMatch``.
    public static let statistics = ClassificationStatistics.exactMatch

    /// The formula; it reads no option.
    public init(options: MetricOptions, metric: String) {}

    /// `correct / total`, globally or per sample.
    public func value(from state: MetricState, _ cfg: StatScoresConfig) -> MetricValue {
        if cfg.multidimAverage == .global {
            return .scalar(safeDivide(state["correct"].item(), state["total"].item()))
        }
        let correct = state.concatenated("correct")?.toDoubles() ?? []
        let total = state.concatenated("total")?.toDoubles() ?? []
        return .tensor(Tensor(zip(correct, total).map { Float(safeDivide($0, $1)) }, shape: [correct.count]))
    }
}

extension ClassificationMetric where Formula == ExactMatchFormula {
    /// Multiclass exact match over `numClasses` classes.
    public convenience init(numClasses: Int, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws where TaskKind == MulticlassTask {
        try self.init(["num_classes": .int(numClasses), "multidim_average": .string(multidimAverage.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    /// Multilabel exact match over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "multidim_average": .string(multidimAverage.rawValue),
                       "ignore_index": .intOrNone(ignoreIndex)])
    }
}

/// Multiclass exact match: the fraction of samples predicted right at every
/// position (see ``ExactMatchFormula``); `[N]` of 1 or 0 samplewise.
public typealias MulticlassExactMatch = ClassificationMetric<ExactMatchFormula, MulticlassTask>

/// Multilabel exact match: the fraction of positions with every label
/// predicted right (see ``ExactMatchFormula``); `[N]` samplewise.
public typealias MultilabelExactMatch = ClassificationMetric<ExactMatchFormula, MultilabelTask>
