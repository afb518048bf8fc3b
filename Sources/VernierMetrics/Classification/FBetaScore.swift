import VernierCore
import VernierTensor

/// The F-beta score, `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`: the
/// weighted harmonic mean of precision and recall, recall counting β times
/// as much (TorchMetrics' `_fbeta_reduce`). `beta` is required and > 0.
///
/// Multiclass and multilabel score each class (label) and reduce by
/// `average`: `micro` scores the class-summed counts; `macro` (default) the
/// mean over classes present in preds or target (multiclass) or over every
/// label; `weighted` weights by support `tp + fn`; `none` one value per
/// class. Unlike precision and recall, TorchMetrics applies no `top_k` rule
/// for absent classes here. A 0/0 score (no positive prediction and no
/// positive target) is `zero_division`. Output: float32, a scalar or `[C]`
/// (`none`); samplewise `[N]` or `[N, C]`.
public struct FBetaScoreFormula: StatScoreFormula {
    /// `binary_fbeta_score`, `multiclass_...`, `multilabel_...`: the task's stat-score options after `beta`; higher is better.
    public static let family = ClassificationFamily("fbeta_score", higherIsBetter: true, summaries: [
        .binary: "binary F-beta score",
        .multiclass: "multiclass F-beta score",
        .multilabel: "multilabel F-beta score",
    ]) { [ClassificationOptions.beta] + ClassificationOptions.statScores($0) }

    /// The weight of recall relative to precision.
    public let beta: Double

    /// Reads `beta`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when it is not above 0.
    public init(options: MetricOptions, metric: String) throws { beta = try ClassificationOptions.beta(options, metric: metric) }

    /// The F-beta score per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue { Self.score(t, cfg, beta: beta) }

    static func score(_ t: StatTotals, _ cfg: StatScoresConfig, beta: Double) -> MetricValue {
        let b2 = beta * beta
        return StatScores.reduce(t, cfg) { tp, fp, _, fn in safeDivide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, cfg.zeroDivision) }
    }
}

/// The F1 score, `2·tp / (2·tp + fn + fp)`: the harmonic mean of precision
/// and recall, ``FBetaScoreFormula`` with β = 1 (and no `beta` option).
public struct F1ScoreFormula: PlainStatScoreFormula {
    /// `binary_f1_score`, `multiclass_f1_score`, `multilabel_f1_score`; higher is better.
    public static let family = ClassificationFamily("f1_score", higherIsBetter: true, summaries: [
        .binary: "binary F1 score",
        .multiclass: "multiclass F1 score",
        .multilabel: "multilabel F1 score",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// The F1 score per class, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue { FBetaScoreFormula.score(t, cfg, beta: 1) }
}

extension ClassificationMetric where Formula == FBetaScoreFormula {
    /// Binary F-beta score with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(beta: Double, threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil,
                            zeroDivision: Double = 0) throws where TaskKind == BinaryTask {
        try self.init(beta: beta, ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex,
                                                               zeroDivision: zeroDivision))
    }

    /// Multiclass F-beta score over `numClasses` classes.
    public convenience init(beta: Double, numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws where TaskKind == MulticlassTask {
        try self.init(beta: beta, ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                                   ignoreIndex: ignoreIndex, zeroDivision: zeroDivision))
    }

    /// Multilabel F-beta score over `numLabels` labels.
    public convenience init(beta: Double, numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws where TaskKind == MultilabelTask {
        try self.init(beta: beta, ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average,
                                                                   multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: zeroDivision))
    }

    /// The metric for the task's Swift arguments plus `beta`.
    private convenience init(beta: Double, _ taskOptions: [String: OptionValue]) throws {
        try self.init(taskOptions.merging(["beta": .double(beta)]) { _, given in given })
    }
}

/// Binary F-beta score, `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)` (see
/// ``FBetaScoreFormula``): a float32 scalar, or `[N]` samplewise. 0/0: `zero_division`.
public typealias BinaryFBetaScore = ClassificationMetric<FBetaScoreFormula, BinaryTask>

/// Multiclass F-beta score: per class, reduced by `average` (see ``FBetaScoreFormula``).
public typealias MulticlassFBetaScore = ClassificationMetric<FBetaScoreFormula, MulticlassTask>

/// Multilabel F-beta score: per label, reduced by `average` (see ``FBetaScoreFormula``).
public typealias MultilabelFBetaScore = ClassificationMetric<FBetaScoreFormula, MultilabelTask>

/// Binary F1 score, `2·tp / (2·tp + fn + fp)` (see ``F1ScoreFormula``): a
/// float32 scalar, or `[N]` samplewise. 0/0: `zero_division`.
public typealias BinaryF1Score = ClassificationMetric<F1ScoreFormula, BinaryTask>

/// Multiclass F1 score: per class `2·tp / (2·tp + fn + fp)`, reduced by `average` (see ``F1ScoreFormula``).
public typealias MulticlassF1Score = ClassificationMetric<F1ScoreFormula, MulticlassTask>

/// Multilabel F1 score: per label `2·tp / (2·tp + fn + fp)`, reduced by `average` (see ``F1ScoreFormula``).
public typealias MultilabelF1Score = ClassificationMetric<F1ScoreFormula, MultilabelTask>
