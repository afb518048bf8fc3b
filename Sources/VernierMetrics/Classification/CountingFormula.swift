import VernierCore
import VernierTensor

/// The math of one counting metric family (precision, Jaccard index, exact
/// match, ...): which statistics its states accumulate (``StatScoresConfig``)
/// and how they become the value.
public protocol CountingFormula: ClassificationFormula where Config == StatScoresConfig {
    /// Which statistics the states accumulate.
    static var statistics: ClassificationStatistics { get }
    /// Reads and checks the formula's own options (e.g. F-beta's `beta`).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``.
    init(options: MetricOptions, metric: String) throws
    /// The value of states accumulated under `config` (pure).
    func value(from state: MetricState, _ config: StatScoresConfig) -> MetricValue
}

extension CountingFormula {
    /// The formula's own options, then the task's (in that order, so F-beta's
    /// `beta` is reported before `top_k`).
    public static func make(task: ClassificationTask, options: MetricOptions, metric: String) throws -> (formula: Self, config: StatScoresConfig) {
        let formula = try Self(options: options, metric: metric)
        return (formula, try StatScoresConfig(task: task, options: options, metric: metric, statistics: statistics))
    }

    /// ``value(from:_:)``.
    public func compute(_ state: MetricState, _ config: StatScoresConfig, metric: String) -> MetricValue { value(from: state, config) }
}

/// A counting formula on the accumulated `tp`, `fp`, `tn`, `fn` (the
/// stat-score families: accuracy, precision, recall, F-scores, ...).
public protocol StatScoreFormula: CountingFormula {
    /// The value of the accumulated statistics.
    func value(_ totals: StatTotals, _ config: StatScoresConfig) -> MetricValue
}

extension StatScoreFormula {
    /// ``ClassificationStatistics/statScores``.
    public static var statistics: ClassificationStatistics { .statScores }

    /// ``value(_:_:)`` of the statistics in `state`.
    public func value(from state: MetricState, _ config: StatScoresConfig) -> MetricValue {
        value(StatScores.totals(state, config), config)
    }
}

/// A stat-score formula without options of its own: its metrics take the
/// task's stat-score options (``ClassificationOptions/statScores(_:)``) and
/// the task's Swift initialisers.
public protocol PlainStatScoreFormula: StatScoreFormula {
    /// The formula.
    init()
}

extension PlainStatScoreFormula {
    /// The formula; it reads no option.
    public init(options: MetricOptions, metric: String) { self.init() }
}

extension ClassificationMetric where Formula: PlainStatScoreFormula {
    /// The binary metric with TorchMetrics' defaults (`threshold` 0.5, global, `zero_division` 0).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil,
                            zeroDivision: Double = 0) throws where TaskKind == BinaryTask {
        try self.init(ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex,
                                                   zeroDivision: zeroDivision))
    }

    /// The multiclass metric over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws where TaskKind == MulticlassTask {
        try self.init(ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision))
    }

    /// The multilabel metric over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro, multidimAverage: MultidimAverage = .global,
                            ignoreIndex: Int? = nil, zeroDivision: Double = 0) throws where TaskKind == MultilabelTask {
        try self.init(ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: zeroDivision))
    }
}
