import Foundation
import VernierCore
import VernierTensor

/// The Matthews correlation coefficient from a confusion matrix
/// (TorchMetrics' `_matthews_corrcoef_reduce`).
///
/// With row sums `t_k` (targets), column sums `p_k` (predictions), trace
/// `c` and total `s`: `(c·s - Σ t_k·p_k) / √((s² - Σ p_k²)(s² - Σ t_k²))`.
/// Multilabel matrices are summed over labels into one 2 x 2 matrix first.
///
/// Degenerate cases (TorchMetrics' rules): a 2 x 2 matrix with every
/// sample right is 1, with every sample wrong -1; a zero denominator is 0,
/// except that a 2 x 2 matrix then uses the formula with `eps` (float32
/// machine epsilon) added to each marginal and a numerator chosen by which
/// cells are empty. An empty matrix gives 0. Value in [-1, 1].
public struct MatthewsCorrCoefFormula: CountingFormula {
    /// `binary_matthews_corrcoef`, `multiclass_...`, `multilabel_...`; higher is better.
    public static let family = ClassificationFamily("matthews_corrcoef", higherIsBetter: true, summaries: [
        .binary: "binary Matthews correlation coefficient",
        .multiclass: "multiclass Matthews correlation coefficient",
        .multilabel: "multilabel Matthews correlation coefficient",
    ]) { ClassificationOptions.confusionMatrix($0) }

    /// ``ClassificationStatistics/confusionMatrix``.
    public static let statistics = ClassificationStatistics.confusionMatrix

    /// The formula; it reads no option.
    public init(options: MetricOptions, metric: String) {}

    /// The coefficient of the accumulated confusion matrix, a float32 scalar.
    public func value(from state: MetricState, _ cfg: StatScoresConfig) -> MetricValue { .scalar(Self.coefficient(state["confmat"])) }

    static func coefficient(_ confmat: Tensor) -> Double {
        let k = confmat.shape[confmat.rank - 1]
        var m = [Double](repeating: 0, count: k * k)
        let all = confmat.toDoubles()
        for (i, v) in all.enumerated() { m[i % (k * k)] += v }
        if k == 2 {
            let tn = m[0], fp = m[1], fn = m[2], tp = m[3]
            if tp + tn != 0 && fp + fn == 0 { return 1 }
            if tp + tn == 0 && fp + fn != 0 { return -1 }
        }
        var trace = 0.0, total = 0.0, tp = 0.0, pp = 0.0, tt = 0.0
        var rowSums = [Double](repeating: 0, count: k), colSums = rowSums
        for i in 0..<k {
            trace += m[i * k + i]
            for j in 0..<k {
                rowSums[i] += m[i * k + j]
                colSums[j] += m[i * k + j]
                total += m[i * k + j]
            }
        }
        for i in 0..<k {
            tp += rowSums[i] * colSums[i]
            pp += colSums[i] * colSums[i]
            tt += rowSums[i] * rowSums[i]
        }
        var numerator = trace * total - tp
        var denominator = (total * total - pp) * (total * total - tt)
        if denominator == 0 {
            guard k == 2 else { return 0 }
            let tn = m[0], fp = m[1], fn = m[2], tp = m[3]
            let eps = Double(Float.ulpOfOne)
            if fn == 0 && tn == 0 { numerator = eps.squareRoot() * (tp - fp) }
            else if fp == 0 && tn == 0 { numerator = eps.squareRoot() * (tp - fn) }
            else if tp == 0 && fn == 0 { numerator = eps.squareRoot() * (tn - fp) }
            else if tp == 0 && fp == 0 { numerator = eps.squareRoot() * (tn - fn) }
            else if tp == 0 { numerator = tn - fp * fn }
            else if tn == 0 { numerator = tp - fp * fn }
            else if fp == 0 || fn == 0 { numerator = tp * tn }
            else { return 0 }
            denominator = (tp + fp + eps) * (tp + fn + eps) * (tn + fp + eps) * (tn + fn + eps)
        }
        return numerator / denominator.squareRoot()
    }
}

extension ClassificationMetric where Formula == MatthewsCorrCoefFormula {
    /// A binary Matthews correlation coefficient with TorchMetrics' defaults (`threshold` 0.5).
    public convenience init(threshold: Double = 0.5, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(["threshold": .double(threshold), "ignore_index": .intOrNone(ignoreIndex)])
    }

    /// A multiclass Matthews correlation coefficient over `numClasses` classes.
    public convenience init(numClasses: Int, ignoreIndex: Int? = nil) throws where TaskKind == MulticlassTask {
        try self.init(["num_classes": .int(numClasses), "ignore_index": .intOrNone(ignoreIndex)])
    }

    /// A multilabel Matthews correlation coefficient over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, ignoreIndex: Int? = nil) throws where TaskKind == MultilabelTask {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "ignore_index": .intOrNone(ignoreIndex)])
    }
}

/// Binary Matthews correlation coefficient: the correlation between
/// thresholded predictions and targets (see ``MatthewsCorrCoefFormula``: all
/// right is 1, all wrong -1, nothing counted 0).
public typealias BinaryMatthewsCorrCoef = ClassificationMetric<MatthewsCorrCoefFormula, BinaryTask>

/// Multiclass Matthews correlation coefficient (Gorodkin's R_K) of the
/// `C x C` confusion matrix (see ``MatthewsCorrCoefFormula``; a zero
/// denominator gives 0).
public typealias MulticlassMatthewsCorrCoef = ClassificationMetric<MatthewsCorrCoefFormula, MulticlassTask>

/// Multilabel Matthews correlation coefficient: the binary coefficient of
/// the per-label 2 x 2 matrices summed over labels (see ``MatthewsCorrCoefFormula``).
public typealias MultilabelMatthewsCorrCoef = ClassificationMetric<MatthewsCorrCoefFormula, MultilabelTask>
