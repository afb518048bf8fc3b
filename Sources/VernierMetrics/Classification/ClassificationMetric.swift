import VernierCore
import VernierTensor

/// The resolved options that shape a classification metric's states and
/// their update: ``StatScoresConfig`` (the counting engine) or
/// ``CurveConfig`` (the score engine).
public protocol ClassificationConfig: Sendable {
    /// The state declarations, in order.
    var stateSpecs: [StateSpec] { get }
    /// Everything that shapes the states and their update: metrics with
    /// equal keys share states in a collection (a compute group).
    var stateKey: String { get }
    /// Validates a whole batch, then folds it into `state`.
    ///
    /// - Throws: ``MetricError/invalidInput(metric:argument:expected:)``
    ///   naming `metric`, the argument and what was expected.
    func update(_ state: inout MetricState, _ inputs: MetricInputs, metric: String) throws
}

/// The math of one classification metric family (precision, AUROC, ...),
/// written once for the family's binary, multiclass and multilabel metrics
/// (``ClassificationMetric``): its registry facts, which engine keeps its
/// states, its own options and how the states become the value.
public protocol ClassificationFormula: Sendable {
    /// The engine configuration the family's states follow.
    associatedtype Config: ClassificationConfig
    /// The family's registry facts, by task.
    static var family: ClassificationFamily { get }
    /// Reads and checks the formula's own options and the engine's for `task`
    /// (each family in the order it always checked them).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``.
    static func make(task: ClassificationTask, options: MetricOptions, metric: String) throws -> (formula: Self, config: Config)
    /// The value of states accumulated under `config` (pure).
    ///
    /// - Throws: when the states cannot give a value (e.g. a curve without samples).
    func compute(_ state: MetricState, _ config: Config, metric: String) throws -> MetricValue
}

/// A classification metric: one `Formula` family for one `TaskKind`, e.g.
/// ``MulticlassPrecision`` or ``BinaryAUROC``.
///
/// The options resolve into the formula and its engine configuration
/// (``StatScoresConfig`` for the counting families, ``CurveConfig`` for the
/// curve families; the state layouts are documented there). `update`
/// validates a whole batch and folds it in through the engine; a rejected
/// batch changes nothing. `compute` applies the formula. Metrics with equal
/// engine state keys share their states in a collection.
///
/// Inputs by task (see the engines for the details):
/// - binary: `preds` (N, ...) probabilities, logits (sigmoid applied, see
///   ``InputFormat``) or, for counting metrics, 0/1 labels; `target` (N, ...) of 0/1.
/// - multiclass: `preds` (N, C, ...) scores (counting metrics take the
///   argmax, or the top k; curve metrics a softmax) or, for counting
///   metrics, (N, ...) labels; `target` (N, ...) labels in [0, C).
/// - multilabel: `preds` and `target` of shape (N, L, ...); target 0/1.
/// Target positions equal to `ignore_index` are left out.
public final class ClassificationMetric<Formula: ClassificationFormula, TaskKind: ClassificationTaskKind>: RegisteredMetric {
    /// The registry entry of the family's `TaskKind` metric.
    public static var descriptor: MetricDescriptor { Formula.family.descriptor(of: Self.self, TaskKind.task) }

    /// The registry name, `<task>_<stem>`.
    public let name: String
    /// The resolved options.
    public let options: MetricOptions
    /// The options that shape the states and the update.
    public let config: Formula.Config
    /// The formula, with its own options.
    public let formula: Formula
    /// States, update count and cached value.
    public var storage: MetricStorage
    /// The family's direction.
    public let higherIsBetter: Bool?

    /// Builds the metric from resolved options.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for
    ///   options that do not fit together (e.g. `top_k` above `num_classes`,
    ///   a `beta` of 0, thresholds out of [0, 1]);
    ///   ``MetricError/failed(metric:detail:)`` for a task the family does not have.
    public init(options: MetricOptions) throws {
        let info = try Formula.family.requireInfo(TaskKind.task)
        name = info.name
        higherIsBetter = info.higherIsBetter
        self.options = options
        (formula, config) = try Formula.make(task: TaskKind.task, options: options, metric: info.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Metrics with equal engine state keys share states.
    public var computeGroupKey: String? { config.stateKey }

    /// Validates the batch and folds it into `state`.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try config.update(&state, inputs, metric: name)
    }

    /// The formula applied to `state`.
    public func computeValue(from state: MetricState) throws -> MetricValue { try formula.compute(state, config, metric: name) }
}
