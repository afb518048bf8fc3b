import VernierCore
import VernierTensor

/// The math of one counting metric family (precision, Jaccard index, exact
/// match, ...): which statistics its states accumulate and how they become
/// the value. One formula serves the family's binary, multiclass and
/// multilabel metrics (``ClassificationCountingMetric``).
public protocol CountingFormula: Sendable {
    /// The family's registry facts, by task.
    static var family: ClassificationFamily { get }
    /// Which statistics the states accumulate.
    static var statistics: ClassificationStatistics { get }
    /// Reads and checks the formula's own options (e.g. F-beta's `beta`).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``.
    init(options: MetricOptions, metric: String) throws
    /// The value of states accumulated under `config` (pure).
    func value(from state: MetricState, _ config: StatScoresConfig) -> MetricValue
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

/// A classification metric computed from counts: one `Formula` family
/// (stat scores, confusion matrix or exact match) for one `TaskKind`, e.g.
/// ``MulticlassPrecision``.
///
/// The options resolve into a ``StatScoresConfig`` (the state layout, see
/// there) and the formula. `update` validates a whole batch and folds its
/// counts in one fused pass (``StatScores/update(_:_:_:metric:)``); a
/// rejected batch changes nothing and an empty one counts nothing. `compute`
/// applies the formula. Metrics with equal ``StatScoresConfig/stateKey``
/// share their states in a collection.
///
/// Inputs by task:
/// - binary: `preds` (N, ...) probabilities, logits (sigmoid applied, see
///   ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1.
/// - multiclass: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a
///   position counts as its target when the target is among the k highest
///   scores) or (N, ...) labels; `target` (N, ...) labels in [0, C).
/// - multilabel: `preds` and `target` of shape (N, L, ...); float preds are
///   thresholded (sigmoid first for logits), target holds 0/1.
/// Target positions equal to `ignore_index` are left out.
public final class ClassificationCountingMetric<Formula: CountingFormula, TaskKind: ClassificationTaskKind>: RegisteredMetric {
    /// The registry entry of the family's `TaskKind` metric.
    public static var descriptor: MetricDescriptor { Formula.family.descriptor(of: Self.self, TaskKind.task) }

    /// The registry name, `<task>_<stem>`.
    public let name: String
    /// The resolved options.
    public let options: MetricOptions
    /// The options that shape the states and the update.
    public let config: StatScoresConfig
    /// The formula, with its own options.
    public let formula: Formula
    /// States, update count and cached value.
    public var storage: MetricStorage
    /// The family's direction.
    public let higherIsBetter: Bool?

    /// Builds the metric from resolved options.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for
    ///   options that do not fit together (`top_k` above `num_classes`, a
    ///   `beta` of 0); ``MetricError/failed(metric:detail:)`` for a task the
    ///   family does not have.
    public init(options: MetricOptions) throws {
        let info = try Formula.family.requireInfo(TaskKind.task)
        name = info.name
        higherIsBetter = info.higherIsBetter
        self.options = options
        formula = try Formula(options: options, metric: info.name)
        config = try StatScoresConfig(task: TaskKind.task, options: options, metric: info.name, statistics: Formula.statistics)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Metrics with equal ``StatScoresConfig/stateKey`` share states.
    public var computeGroupKey: String? { config.stateKey }

    /// Validates the batch and folds its counts into `state`.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try StatScores.update(&state, inputs, config, metric: name)
    }

    /// The formula applied to `state`.
    public func computeValue(from state: MetricState) throws -> MetricValue { formula.value(from: state, config) }
}

extension ClassificationCountingMetric where Formula: PlainStatScoreFormula {
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
