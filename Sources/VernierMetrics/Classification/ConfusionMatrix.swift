import VernierCore
import VernierTensor

/// A metric computed from the accumulated confusion matrix (the `confmat`
/// state, see ``ClassificationStatistics/confusionMatrix``).
public protocol ConfusionMatrixMetric: ClassificationCountingMetric {
    /// The value for an accumulated int64 confusion matrix: `[2, 2]`
    /// (binary), `[C, C]` (multiclass) or `[L, 2, 2]` (multilabel), rows
    /// indexed by the target and columns by the prediction.
    func reduce(confusionMatrix: Tensor) -> MetricValue
}

extension ConfusionMatrixMetric {
    public func computeValue(from state: MetricState) throws -> MetricValue {
        reduce(confusionMatrix: state["confmat"])
    }
}

/// How a confusion matrix is normalised (TorchMetrics' `normalize`).
public enum ConfusionMatrixNormalization: String, Sendable {
    /// Each row (target class) divided by its sum.
    case `true`
    /// Each column (predicted class) divided by its sum.
    case pred
    /// Every cell divided by the total (per label for multilabel).
    case all
    /// Raw int64 counts.
    case none

    /// Reads the `normalize` option (`None`, `false` and absent mean `none`; `true` may come as a bool).
    init(_ options: MetricOptions) {
        if let flag = options.bool("normalize") {
            self = flag ? .true : ConfusionMatrixNormalization.none
        } else {
            self = options.string("normalize").flatMap(Self.init(rawValue:)) ?? ConfusionMatrixNormalization.none
        }
    }

    /// The matrix normalised (TorchMetrics' `_confusion_matrix_reduce`):
    /// `none` keeps the int64 counts; otherwise float32 ratios over the last
    /// two axes, with 0/0 (an empty row, column or matrix) giving 0 as in
    /// TorchMetrics, which replaces the resulting NaN by 0.
    func apply(_ confmat: Tensor) -> MetricValue {
        if self == ConfusionMatrixNormalization.none { return .tensor(confmat) }
        let rank = confmat.rank
        let rows = confmat.shape[rank - 2], cols = confmat.shape[rank - 1]
        let blocks = confmat.count / (rows * cols)
        let m = confmat.toDoubles()
        var out = [Float](repeating: 0, count: m.count)
        for b in 0..<blocks {
            let base = b * rows * cols
            let total = (0..<(rows * cols)).reduce(0.0) { $0 + m[base + $1] }
            for r in 0..<rows {
                let rowSum = (0..<cols).reduce(0.0) { $0 + m[base + r * cols + $1] }
                for c in 0..<cols {
                    let colSum = (0..<rows).reduce(0.0) { $0 + m[base + $1 * cols + c] }
                    let den: Double
                    switch self {
                    case .true: den = rowSum
                    case .pred: den = colSum
                    case .all, .none: den = total
                    }
                    out[base + r * cols + c] = Float(safeDivide(m[base + r * cols + c], den))
                }
            }
        }
        return .tensor(Tensor(out, shape: confmat.shape))
    }
}

/// Options of a confusion-matrix metric with `normalize`, in TorchMetrics' order.
private func withNormalize(_ specs: [OptionSpec]) -> [OptionSpec] {
    var out = specs
    out.insert(ClassificationOptions.normalize, at: out.firstIndex { $0.name == "validate_args" } ?? out.count)
    return out
}

/// Binary confusion matrix `[[tn, fp], [fn, tp]]` (rows: target 0/1,
/// columns: prediction 0/1): int64 counts, or float32 ratios with
/// `normalize` (`true`: per target row, `pred`: per predicted column,
/// `all`: over the total; 0/0 gives 0).
///
/// Inputs: `preds` (N, ...) probabilities, logits or 0/1 labels, `target`
/// (N, ...) of 0/1 or `ignore_index` (left out); extra dimensions are
/// flattened. Under `input_format=auto` the logits test looks only at the
/// positions that are not ignored, as in TorchMetrics.
public final class BinaryConfusionMatrix: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_confusion_matrix", domain: .classification, summary: "binary confusion matrix [[tn, fp], [fn, tp]]",
        options: withNormalize(ClassificationOptions.binaryConfusionMatrix)
    ) { try BinaryConfusionMatrix(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    /// How the matrix is normalised.
    public let normalize: ConfusionMatrixNormalization

    public init(options: MetricOptions) throws {
        self.options = options
        normalize = ConfusionMatrixNormalization(options)
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A binary confusion matrix with TorchMetrics' defaults (`threshold` 0.5, raw counts).
    public convenience init(threshold: Double = 0.5, normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) throws {
        try self.init(["threshold": .double(threshold), "normalize": .string(normalize.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { normalize.apply(confusionMatrix) }
}

/// Multiclass confusion matrix `[C, C]`: cell `(i, j)` counts positions of
/// target class `i` predicted as class `j`; int64 counts, or float32 ratios
/// with `normalize` (`true`: per target row, `pred`: per predicted column,
/// `all`: over the total; 0/0 gives 0).
///
/// Inputs: `preds` (N, C, ...) scores (argmax) or (N, ...) labels; `target`
/// (N, ...) labels in [0, C) or `ignore_index` (left out).
public final class MulticlassConfusionMatrix: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_confusion_matrix", domain: .classification, summary: "multiclass confusion matrix [C, C] (rows: target)",
        options: withNormalize(ClassificationOptions.multiclassConfusionMatrix)
    ) { try MulticlassConfusionMatrix(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    /// How the matrix is normalised.
    public let normalize: ConfusionMatrixNormalization

    public init(options: MetricOptions) throws {
        self.options = options
        normalize = ConfusionMatrixNormalization(options)
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A multiclass confusion matrix over `numClasses` classes.
    public convenience init(numClasses: Int, normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "normalize": .string(normalize.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { normalize.apply(confusionMatrix) }
}

/// Multilabel confusion matrices `[L, 2, 2]`: per label `[[tn, fp], [fn, tp]]`;
/// int64 counts, or float32 ratios with `normalize` (within each label's
/// 2 x 2 block; 0/0 gives 0).
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out).
public final class MultilabelConfusionMatrix: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_confusion_matrix", domain: .classification, summary: "multilabel confusion matrices [L, 2, 2]",
        options: withNormalize(ClassificationOptions.multilabelConfusionMatrix)
    ) { try MultilabelConfusionMatrix(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    /// How the matrices are normalised.
    public let normalize: ConfusionMatrixNormalization

    public init(options: MetricOptions) throws {
        self.options = options
        normalize = ConfusionMatrixNormalization(options)
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel confusion matrices over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "normalize": .string(normalize.rawValue),
                       "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { normalize.apply(confusionMatrix) }
}
