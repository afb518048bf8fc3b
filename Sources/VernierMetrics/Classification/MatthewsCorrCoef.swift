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
/// cells are empty. An empty matrix gives 0.
enum MatthewsFormula {
    static func value(_ confmat: Tensor) -> Double {
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

/// Binary Matthews correlation coefficient, in [-1, 1]: the correlation
/// between thresholded predictions and targets (see ``MatthewsFormula`` for
/// the formula and its degenerate cases: all right is 1, all wrong -1,
/// nothing counted 0).
///
/// Inputs: `preds` (N, ...) probabilities, logits or 0/1 labels, `target`
/// (N, ...) of 0/1 or `ignore_index` (left out). Output: a float32 scalar.
public final class BinaryMatthewsCorrCoef: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_matthews_corrcoef", domain: .classification, summary: "binary Matthews correlation coefficient",
        options: ClassificationOptions.binaryConfusionMatrix
    ) { try BinaryMatthewsCorrCoef(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A binary Matthews correlation coefficient with TorchMetrics' defaults (`threshold` 0.5).
    public convenience init(threshold: Double = 0.5, ignoreIndex: Int? = nil) throws {
        try self.init(["threshold": .double(threshold), "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { .scalar(MatthewsFormula.value(confusionMatrix)) }
}

/// Multiclass Matthews correlation coefficient (Gorodkin's R_K): the
/// correlation of the `C x C` confusion matrix (see ``MatthewsFormula``; a
/// zero denominator gives 0).
///
/// Inputs: `preds` (N, C, ...) scores (argmax) or (N, ...) labels; `target`
/// (N, ...) labels in [0, C) or `ignore_index` (left out). Output: a float32 scalar.
public final class MulticlassMatthewsCorrCoef: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_matthews_corrcoef", domain: .classification, summary: "multiclass Matthews correlation coefficient",
        options: ClassificationOptions.multiclassConfusionMatrix
    ) { try MulticlassMatthewsCorrCoef(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A multiclass Matthews correlation coefficient over `numClasses` classes.
    public convenience init(numClasses: Int, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { .scalar(MatthewsFormula.value(confusionMatrix)) }
}

/// Multilabel Matthews correlation coefficient: the binary coefficient of
/// the per-label 2 x 2 matrices summed over labels (see ``MatthewsFormula``).
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). Output: a float32 scalar.
public final class MultilabelMatthewsCorrCoef: ConfusionMatrixMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_matthews_corrcoef", domain: .classification, summary: "multilabel Matthews correlation coefficient",
        options: ClassificationOptions.multilabelConfusionMatrix
    ) { try MultilabelMatthewsCorrCoef(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name, statistics: .confusionMatrix)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A multilabel Matthews correlation coefficient over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "threshold": .double(threshold), "ignore_index": .intOrNone(ignoreIndex)])
    }

    public func reduce(confusionMatrix: Tensor) -> MetricValue { .scalar(MatthewsFormula.value(confusionMatrix)) }
}
