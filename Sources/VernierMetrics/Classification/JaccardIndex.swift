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
/// Output: float32, a scalar or `[C]` (`none`).
public struct JaccardIndexFormula: CountingFormula {
    /// `binary_jaccard_index`, `multiclass_...`, `multilabel_...`; higher is better.
    public static let family = ClassificationFamily("jaccard_index", higherIsBetter: true, summaries: [
        .binary: "binary Jaccard index tp / (tp + fp + fn)",
        .multiclass: "multiclass Jaccard index (micro/macro/weighted/none)",
        .multilabel: "multilabel Jaccard index (micro/macro/weighted/none)",
    ]) { task in
        switch task {
        case .binary:
            return [ClassificationOptions.threshold, ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs,
                    ClassificationOptions.zeroDivision, ClassificationOptions.inputFormat]
        case .multiclass:
            return [ClassificationOptions.numClasses, ClassificationOptions.average("macro"), ClassificationOptions.ignoreIndex,
                    ClassificationOptions.validateArgs, ClassificationOptions.zeroDivision]
        case .multilabel:
            return [ClassificationOptions.numLabels, ClassificationOptions.threshold, ClassificationOptions.average("macro"),
                    ClassificationOptions.ignoreIndex, ClassificationOptions.validateArgs, ClassificationOptions.zeroDivision,
                    ClassificationOptions.inputFormat]
        }
    }

    /// ``ClassificationStatistics/confusionMatrix``.
    public static let statistics = ClassificationStatistics.confusionMatrix

    /// The formula; it reads no option (`average` and `zero_division` come with the config).
    public init(options: MetricOptions, metric: String) {}

    /// The index of the accumulated confusion matrix, reduced by `average`.
    public func value(from state: MetricState, _ cfg: StatScoresConfig) -> MetricValue {
        let m = state["confmat"].toDoubles()
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

extension ClassificationMetric where Formula == JaccardIndexFormula {
    /// A binary Jaccard index with TorchMetrics' defaults (`threshold` 0.5, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws where TaskKind == BinaryTask {
        try self.init(["threshold": .double(threshold), "ignore_index": .intOrNone(ignoreIndex), "zero_division": .double(zeroDivision)])
    }

    /// A multiclass Jaccard index over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws
    where TaskKind == MulticlassTask {
        try self.init(["num_classes": .int(numClasses), "average": .string(average.rawValue), "ignore_index": .intOrNone(ignoreIndex),
                       "zero_division": .double(zeroDivision)])
    }

    /// A multilabel Jaccard index over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, ignoreIndex: Int? = nil,
                            zeroDivision: Double = 0) throws where TaskKind == MultilabelTask {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "average": .string(average.rawValue),
                       "ignore_index": .intOrNone(ignoreIndex), "zero_division": .double(zeroDivision)])
    }
}

/// Binary Jaccard index, `tp / (tp + fp + fn)`: the overlap of predicted and
/// actual positives over their union (see ``JaccardIndexFormula``). No
/// positive prediction and no positive target (0/0): `zero_division`.
public typealias BinaryJaccardIndex = ClassificationMetric<JaccardIndexFormula, BinaryTask>

/// Multiclass Jaccard index: per class `tp / (tp + fp + fn)`, reduced by
/// `average` (`macro`, the default, averages the classes present in preds or
/// target; see ``JaccardIndexFormula``).
public typealias MulticlassJaccardIndex = ClassificationMetric<JaccardIndexFormula, MulticlassTask>

/// Multilabel Jaccard index: per label `tp / (tp + fp + fn)`, reduced by
/// `average` (`macro`, the default, averages every label; see ``JaccardIndexFormula``).
public typealias MultilabelJaccardIndex = ClassificationMetric<JaccardIndexFormula, MultilabelTask>
