import VernierCore
import VernierTensor

/// Disagreement weights of Cohen's kappa (TorchMetrics' `weights`).
public enum KappaWeights: String, Sendable {
    /// 1 off the diagonal, 0 on it (plain kappa).
    case none
    /// `|i - j|`.
    case linear
    /// `(i - j)²`.
    case quadratic

    /// Reads the `weights` option (`None` and absent mean `none`).
    init(_ options: MetricOptions) {
        self = options.string("weights").flatMap(Self.init(rawValue:)) ?? KappaWeights.none
    }

    func weight(_ i: Int, _ j: Int) -> Double {
        switch self {
        case .none: return i == j ? 0 : 1
        case .linear: return Double(abs(i - j))
        case .quadratic: return Double((i - j) * (i - j))
        }
    }
}

/// Cohen's kappa from a `k x k` confusion matrix (TorchMetrics'
/// `_cohen_kappa_reduce`): `κ = 1 - Σ w_ij·o_ij / Σ w_ij·e_ij`, with `o` the
/// observed counts and `e_ij = (row_i · col_j) / total` the counts expected
/// by chance. When the weighted expected disagreement is 0 (e.g. every
/// target and prediction in one class, or nothing counted) the ratio is
/// 0/0 and the result is NaN, as in TorchMetrics.
public struct CohenKappaFormula: CountingFormula {
    /// `binary_cohen_kappa` and `multiclass_cohen_kappa` (TorchMetrics has no multilabel one): `weights` after `ignore_index`; higher is better.
    public static let family = ClassificationFamily("cohen_kappa", higherIsBetter: true, summaries: [
        .binary: "binary Cohen's kappa (weights none/linear/quadratic)",
        .multiclass: "multiclass Cohen's kappa (weights none/linear/quadratic)",
    ]) { task in
        task == .binary
            ? [ClassificationOptions.threshold, ClassificationOptions.ignoreIndex, ClassificationOptions.weights,
               ClassificationOptions.validateArgs, ClassificationOptions.inputFormat]
            : [ClassificationOptions.numClasses, ClassificationOptions.ignoreIndex, ClassificationOptions.weights, ClassificationOptions.validateArgs]
    }

    /// ``ClassificationStatistics/confusionMatrix``.
    public static let statistics = ClassificationStatistics.confusionMatrix

    /// The disagreement weights.
    public let weights: KappaWeights

    /// Reads `weights`.
    public init(options: MetricOptions, metric: String) { weights = KappaWeights(options) }

    /// κ of the accumulated confusion matrix, a float32 scalar.
    public func value(from state: MetricState, _ cfg: StatScoresConfig) -> MetricValue { .scalar(kappa(state["confmat"])) }

    func kappa(_ confmat: Tensor) -> Double {
        let k = confmat.shape[0]
        let m = confmat.toDoubles()
        var rows = [Double](repeating: 0, count: k), cols = rows
        var total = 0.0
        for i in 0..<k {
            for j in 0..<k {
                rows[i] += m[i * k + j]
                cols[j] += m[i * k + j]
                total += m[i * k + j]
            }
        }
        var observed = 0.0, expected = 0.0
        for i in 0..<k {
            for j in 0..<k {
                let w = weights.weight(i, j)
                observed += w * m[i * k + j]
                expected += w * rows[i] * cols[j] / total
            }
        }
        return 1 - observed / expected
    }
}

extension ClassificationMetric where Formula == CohenKappaFormula {
    /// A binary Cohen's kappa with TorchMetrics' defaults (`threshold` 0.5, unweighted).
    public convenience init(threshold: Double = 0.5, weights: KappaWeights = .none, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(["threshold": .double(threshold), "weights": .string(weights.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }

    /// A multiclass Cohen's kappa over `numClasses` classes.
    public convenience init(numClasses: Int, weights: KappaWeights = .none, ignoreIndex: Int? = nil) throws where TaskKind == MulticlassTask {
        try self.init(["num_classes": .int(numClasses), "weights": .string(weights.rawValue), "ignore_index": .intOrNone(ignoreIndex)])
    }
}

/// Binary Cohen's kappa: agreement between thresholded predictions and
/// targets beyond chance over the 2 x 2 confusion matrix (see
/// ``CohenKappaFormula``; NaN when every target and prediction is in one class).
public typealias BinaryCohenKappa = ClassificationMetric<CohenKappaFormula, BinaryTask>

/// Multiclass Cohen's kappa over the `C x C` confusion matrix, with weights
/// `none` (plain kappa), `linear` or `quadratic` in the class distance (see
/// ``CohenKappaFormula``; NaN when the expected disagreement is 0).
public typealias MulticlassCohenKappa = ClassificationMetric<CohenKappaFormula, MulticlassTask>
