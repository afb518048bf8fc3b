import VernierCore
import VernierTensor

/// The Jaccard index (intersection over union) from a confusion matrix
/// (TorchMetrics' `_jaccard_index_reduce`): per class `tp / (tp + fp + fn)`,
/// where for multiclass `tp + fp + fn` is the class's row sum plus column
/// sum minus the diagonal. A 0/0 class score is `zero_division`.
///
/// - `micro`: `Σtp / Σ(tp + fp + fn)`; multiclass leaves out the
///   denominator of an `ignore_index` class in `[0, C)`.
/// - `macro`: mean over classes; multiclass leaves out classes absent from
///   both preds and target and the `ignore_index` class. `weighted`: weights
///   by support (target count). Both divide without a guard, as TorchMetrics
///   does: when no class has weight the result is NaN.
/// - `none`: one value per class.
enum JaccardFormula {
    static func value(_ confmat: Tensor, _ cfg: StatScoresConfig) -> MetricValue {
        let m = confmat.toDoubles()
        let zd = cfg.zeroDivision
        if cfg.task == .binary { return .scalar(safeDivide(m[3], m[1] + m[2] + m[3], zd)) }
        let k = cfg.numClasses
        var num = [Double](repeating: 0, count: k), den = num, support = num, present = num
        for c in 0..<k {
            if cfg.task == .multilabel {
                let fp = m[4 * c + 1], fn = m[4 * c + 2], tp = m[4 * c + 3]
                num[c] = tp
                den[c] = tp + fp + fn
                support[c] = tp + fn
                present[c] = 1
            } else {
                let rowSum = (0..<k).reduce(0.0) { $0 + m[c * k + $1] }
                let colSum = (0..<k).reduce(0.0) { $0 + m[$1 * k + c] }
                num[c] = m[c * k + c]
                den[c] = rowSum + colSum - num[c]
                support[c] = rowSum
                present[c] = rowSum + colSum == 0 ? 0 : 1
            }
        }
        let ignored = cfg.task == .multiclass ? cfg.ignoreIndex.flatMap { $0 >= 0 && $0 < k ? $0 : nil } : nil
        switch cfg.average {
        case .micro:
            let total = den.reduce(0, +) - (ignored.map { den[$0] } ?? 0)
            return .scalar(safeDivide(num.reduce(0, +), total, zd))
        case .none:
            return .tensor(Tensor((0..<k).map { Float(safeDivide(num[$0], den[$0], zd)) }, shape: [k]))
        case .macro, .weighted:
            var weights = cfg.average == .weighted ? support : present
            if cfg.average == .macro, let ignored { weights[ignored] = 0 }
            let totalWeight = weights.reduce(0, +)
            let value = (0..<k).reduce(0.0) { $0 + weights[$1] * safeDivide(num[$1], den[$1], zd) / totalWeight }
            return .scalar(value)
        }
    }
}

/// Binary Jaccard index: `tp / (tp + fp + fn)`, the overlap of predicted and
/// actual positives over their union. No positive prediction and no
/// positive target (0/0): `zero_division`.
///
/// Inputs: `preds` (N, ...) probabilities, logits or 0/1 labels, `target`
/// (N, ...) of 0/1 or `ignore_index` (left out). Output: a float32 scalar.
public final class BinaryJaccardIndex: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_jaccard_index", domain: .classification, summary: "binary Jaccard index tp / (tp + fp + fn)",
        options: [ClassificationOptions.threshold, ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs,
                  ClassificationOptions.zeroDivision, ClassificationOptions.inputFormat]
    ) { try BinaryJaccardIndex(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A binary Jaccard index with TorchMetrics' defaults (`threshold` 0.5, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        try self.init(["threshold": .double(threshold), "ignore_index": .intOrNone(ignoreIndex), "zero_division": .double(zeroDivision)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { JaccardFormula.value(confusionMatrix, config) }
}

/// Multiclass Jaccard index: per class `tp / (tp + fp + fn)`, reduced by
/// `average` (see ``JaccardFormula``; `macro`, the default, averages the
/// classes present in preds or target).
///
/// Inputs: `preds` (N, C, ...) scores (argmax) or (N, ...) labels; `target`
/// (N, ...) labels in [0, C) or `ignore_index` (left out). Output: float32,
/// a scalar or `[C]` (`none`).
public final class MulticlassJaccardIndex: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_jaccard_index", domain: .classification, summary: "multiclass Jaccard index (micro/macro/weighted/none)",
        options: [ClassificationOptions.numClasses, ClassificationOptions.average("macro"), ClassificationOptions.ignoreIndex,
                  ClassificationOptions.validateArgs, ClassificationOptions.zeroDivision]
    ) { try MulticlassJaccardIndex(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A multiclass Jaccard index over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws {
        try self.init(["num_classes": .int(numClasses), "average": .string(average.rawValue), "ignore_index": .intOrNone(ignoreIndex),
                       "zero_division": .double(zeroDivision)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { JaccardFormula.value(confusionMatrix, config) }
}

/// Multilabel Jaccard index: per label `tp / (tp + fp + fn)`, reduced by
/// `average` (see ``JaccardFormula``; `macro`, the default, averages every
/// label).
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: float32, a scalar or `[L]` (`none`).
public final class MultilabelJaccardIndex: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_jaccard_index", domain: .classification, summary: "multilabel Jaccard index (micro/macro/weighted/none)",
        options: [ClassificationOptions.numLabels, ClassificationOptions.threshold, ClassificationOptions.average("macro"),
                  ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs, ClassificationOptions.zeroDivision,
                  ClassificationOptions.inputFormat]
    ) { try MultilabelJaccardIndex(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A multilabel Jaccard index over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, ignoreIndex: Int? = nil,
                            zeroDivision: Double = 0) throws {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "average": .string(average.rawValue),
                       "ignore_index": .intOrNone(ignoreIndex), "zero_division": .double(zeroDivision)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { JaccardFormula.value(confusionMatrix, config) }
}
