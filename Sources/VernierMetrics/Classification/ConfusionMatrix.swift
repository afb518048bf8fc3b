import VernierCore
import VernierTensor

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

/// The confusion matrix itself (TorchMetrics' `_confusion_matrix_reduce`):
/// rows indexed by the target, columns by the prediction; int64 counts, or
/// float32 ratios with `normalize` (`true`: per target row, `pred`: per
/// predicted column, `all`: over the total; per label for multilabel; 0/0
/// gives 0).
///
/// - binary: `[[tn, fp], [fn, tp]]`, `[2, 2]`. Under `input_format=auto`
///   the logits test looks only at the positions that are not ignored, as in
///   TorchMetrics.
/// - multiclass: `[C, C]`, cell `(i, j)` counting positions of target class
///   `i` predicted as class `j`.
/// - multilabel: `[L, 2, 2]`, per label `[[tn, fp], [fn, tp]]`.
public struct ConfusionMatrixFormula: CountingFormula {
    /// `binary_confusion_matrix`, `multiclass_...`, `multilabel_...`: the task's
    /// confusion-matrix options with `normalize` before `validate_args`; no direction.
    public static let family = ClassificationFamily("confusion_matrix", higherIsBetter: nil, summaries: [
        .binary: "binary confusion matrix [[tn, fp], [fn, tp]]",
        .multiclass: "multiclass confusion matrix [C, C] (rows: target)",
        .multilabel: "multilabel confusion matrices [L, 2, 2]",
    ]) { task in
        var options = ClassificationOptions.confusionMatrix(task)
        options.insert(ClassificationOptions.normalize, at: options.firstIndex { $0.name == "validate_args" } ?? options.count)
        return options
    }

    /// ``ClassificationStatistics/confusionMatrix``.
    public static let statistics = ClassificationStatistics.confusionMatrix

    /// How the matrix is normalised.
    public let normalize: ConfusionMatrixNormalization

    /// Reads `normalize`.
    public init(options: MetricOptions, metric: String) { normalize = ConfusionMatrixNormalization(options) }

    /// The accumulated matrix, normalised.
    public func value(from state: MetricState, _ cfg: StatScoresConfig) -> MetricValue { normalize.apply(state["confmat"]) }
}

extension ClassificationMetric where Formula == ConfusionMatrixFormula {
    /// A binary confusion matrix with TorchMetrics' defaults (`threshold` 0.5, raw counts).
    public convenience init(threshold: Double = 0.5, normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) throws
    where TaskKind == BinaryTask {
        try self.init(["threshold": .double(threshold), "normalize": .string(normalize.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    /// A multiclass confusion matrix over `numClasses` classes.
    public convenience init(numClasses: Int, normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(["num_classes": .int(numClasses), "normalize": .string(normalize.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    /// Multilabel confusion matrices over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "normalize": .string(normalize.rawValue),
                       "ignore_index": .intOrNone(ignoreIndex)])
    }
}

/// Binary confusion matrix `[[tn, fp], [fn, tp]]` (rows: target 0/1,
/// columns: prediction 0/1; see ``ConfusionMatrixFormula``).
public typealias BinaryConfusionMatrix = ClassificationMetric<ConfusionMatrixFormula, BinaryTask>

/// Multiclass confusion matrix `[C, C]`, rows: target, columns: prediction
/// (see ``ConfusionMatrixFormula``).
public typealias MulticlassConfusionMatrix = ClassificationMetric<ConfusionMatrixFormula, MulticlassTask>

/// Multilabel confusion matrices `[L, 2, 2]` (see ``ConfusionMatrixFormula``).
public typealias MultilabelConfusionMatrix = ClassificationMetric<ConfusionMatrixFormula, MultilabelTask>
