import VernierCore
import VernierTensor

/// The math of one score-based curve family (ROC, precision-recall,
/// AUROC, average precision, operating points, EER, LogAUC): its own options
/// and how the accumulated ``CurveData`` becomes the value. One formula
/// serves the family's binary, multiclass and multilabel metrics (``CurveMetric``).
public protocol CurveFormula: Sendable {
    /// The family's registry facts, by task.
    static var family: ClassificationFamily { get }
    /// Reads and checks the formula's own options (`average`, `max_fpr`, ...).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``.
    init(options: MetricOptions, metric: String) throws
    /// The value of the accumulated scores and targets (or binned counts).
    ///
    /// - Throws: when the data cannot make a curve (e.g. no sample at all).
    func value(of data: CurveData) throws -> MetricValue
}

/// A curve family whose multiclass metric takes `average` (default `None`:
/// one result per class; `micro`, `macro`) and whose binary and multilabel
/// metrics take no own option (ROC, precision-recall curve, EER).
public protocol PerClassCurveFormula: CurveFormula {}

/// A curve family that reduces per-class areas by `average` (default
/// `macro`) in its multiclass and multilabel metrics (AUROC, average precision).
public protocol MacroAveragedCurveFormula: CurveFormula {}

/// A score-based classification metric of one curve `Formula` family for
/// one `TaskKind`, e.g. ``MulticlassAUROC``.
///
/// The options resolve into a ``CurveConfig`` (the state layout: every
/// score in exact mode, counts per threshold in binned mode; see there) and
/// the formula. `update` validates and formats a batch (``CurveInput``:
/// logits get a sigmoid, multiclass a softmax) and folds it in; a rejected
/// batch changes nothing. `compute` applies the formula to the accumulated
/// ``CurveData``. Metrics with equal ``CurveConfig/stateKey`` share their
/// states in a collection.
///
/// Inputs by task:
/// - binary: `preds (N, ...)` probabilities or logits (see
///   ``InputFormat``), `target (N, ...)` 0/1.
/// - multiclass: `preds (N, C, ...)` probabilities or logits, `target (N, ...)` labels in [0, C).
/// - multilabel: `preds (N, L, ...)` probabilities or logits, `target (N, L, ...)` 0/1.
/// Targets equal to `ignore_index` are left out.
public final class CurveMetric<Formula: CurveFormula, TaskKind: ClassificationTaskKind>: RegisteredMetric {
    /// The registry entry of the family's `TaskKind` metric.
    public static var descriptor: MetricDescriptor { Formula.family.descriptor(of: Self.self, TaskKind.task) }

    /// The registry name, `<task>_<stem>`.
    public let name: String
    /// The resolved options.
    public let options: MetricOptions
    /// The options that shape the states and the update.
    public let config: CurveConfig
    /// The formula, with its own options.
    public let formula: Formula
    /// States, update count and cached value.
    public var storage: MetricStorage
    /// The family's direction.
    public let higherIsBetter: Bool?

    /// Builds the metric from resolved options.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for
    ///   options that do not fit together (thresholds out of [0, 1], logits
    ///   without normalization, a bad `max_fpr` or `fpr_range`);
    ///   ``MetricError/failed(metric:detail:)`` for a task the family does not have.
    public init(options: MetricOptions) throws {
        let info = try Formula.family.requireInfo(TaskKind.task)
        name = info.name
        higherIsBetter = info.higherIsBetter
        self.options = options
        config = try CurveConfig(task: TaskKind.task, options: options, metric: info.name)
        formula = try Formula(options: options, metric: info.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Curve metrics with equal ``CurveConfig/stateKey`` share states.
    public var computeGroupKey: String? { config.stateKey }

    /// Validates and formats the batch, then folds it into `state`.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let batch = try CurveInput.format(inputs, config, metric: name)
        try CurveInput.fold(&state, batch, config)
    }

    /// The formula applied to the accumulated data.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        try formula.value(of: CurveData(state, config, metric: name))
    }

    /// The metric from Swift arguments: `count` classes or labels (nil for
    /// binary), the formula's own options, `thresholds` and `ignore_index`.
    convenience init(count: Int?, _ own: [String: OptionValue] = [:], thresholds: CurveThresholds, ignoreIndex: Int?) throws {
        var given = own
        given["thresholds"] = thresholds.optionValue
        given["ignore_index"] = CurveOptions.int(ignoreIndex)
        if let count { given[TaskKind.task == .multiclass ? "num_classes" : "num_labels"] = .int(count) }
        try self.init(given)
    }
}

extension CurveMetric where Formula: PerClassCurveFormula {
    /// The binary metric.
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// The multiclass metric over `numClasses` classes; `average` is `"micro"`, `"macro"` or nil (per class).
    public convenience init(numClasses: Int, average: String? = nil, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(count: numClasses, ["average": average.map { .string($0) } ?? .none], thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// The multilabel metric over `numLabels` labels.
    public convenience init(numLabels: Int, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == MultilabelTask {
        try self.init(count: numLabels, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

extension CurveMetric where Formula: MacroAveragedCurveFormula {
    /// The multiclass metric over `numClasses` classes; `average` is `"macro"`, `"weighted"` or `"none"`.
    public convenience init(numClasses: Int, average: String = "macro", thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(count: numClasses, ["average": .string(average)], thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// The multilabel metric over `numLabels` labels; `average` is `"micro"`, `"macro"`, `"weighted"` or `"none"`.
    public convenience init(numLabels: Int, average: String = "macro", thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(count: numLabels, ["average": .string(average)], thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

extension CurveData {
    /// The curve output for an `average` of the ROC/PR curve metrics:
    /// `micro` one curve over every column pooled; `macro` the macro-averaged
    /// curve (``CurveMath/macroAverage(_:_:)``); `none` one curve per column.
    func curveValue(_ kind: CurveKind, average: String) throws -> MetricValue {
        switch average {
        case "micro": return try curve(kind, nil).value
        case "macro": return CurveMath.macroAverage(try curves(kind), kind).value
        default: return cfg.task == .binary ? try curve(kind, 0).value : perColumnValue(try curves(kind))
        }
    }

    /// The value of a family that scores curves (AUROC, average precision):
    /// the binary curve's `binary` score as a scalar; for `micro`, the
    /// `pooled` score of one curve over every column; otherwise each column's
    /// `column` score, reduced by `average` (``CurveMath/reduce(_:average:weights:)``,
    /// weighted by the column's positives).
    func scoreValue(_ kind: CurveKind, average: String, binary: (Curve) -> Double, pooled: (Curve) -> Double,
                    column: (Curve) -> Double) throws -> MetricValue {
        if cfg.task == .binary { return .scalar(binary(try curve(kind, 0))) }
        if average == "micro" { return .scalar(pooled(try curve(kind, nil))) }
        let columns = try curves(kind)
        return CurveMath.reduce(columns.map(column), average: average, weights: columns.map(\.positives))
    }
}
