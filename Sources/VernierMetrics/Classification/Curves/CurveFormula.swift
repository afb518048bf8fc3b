import VernierCore
import VernierTensor

/// The math of one score-based curve family (ROC, precision-recall,
/// AUROC, average precision, operating points, EER, LogAUC): its own
/// options and how the accumulated ``CurveData`` becomes the value; the
/// states follow ``CurveConfig``.
public protocol CurveFormula: ClassificationFormula where Config == CurveConfig {
    /// Reads and checks the formula's own options (`average`, `max_fpr`, ...).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``.
    init(options: MetricOptions, metric: String) throws
    /// The value of the accumulated scores and targets (or binned counts).
    ///
    /// - Throws: when the data cannot make a curve (e.g. no sample at all).
    func value(of data: CurveData) throws -> MetricValue
}

extension CurveFormula {
    /// The task's curve options (`thresholds`, ...), then the formula's own.
    public static func make(task: ClassificationTask, options: MetricOptions, metric: String) throws -> (formula: Self, config: CurveConfig) {
        let config = try CurveConfig(task: task, options: options, metric: metric)
        return (try Self(options: options, metric: metric), config)
    }

    /// ``value(of:)`` of the accumulated data.
    public func compute(_ state: MetricState, _ config: CurveConfig, metric: String) throws -> MetricValue {
        try value(of: CurveData(state, config, metric: metric))
    }
}

/// A curve family whose multiclass metric takes `average` (default `None`:
/// one result per class; `micro`, `macro`) and whose binary and multilabel
/// metrics take no own option (ROC, precision-recall curve, EER).
public protocol PerClassCurveFormula: CurveFormula {}

/// A curve family that reduces per-class areas by `average` (default
/// `macro`) in its multiclass and multilabel metrics (AUROC, average precision).
public protocol MacroAveragedCurveFormula: CurveFormula {}

extension ClassificationMetric where Formula: CurveFormula {
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

extension ClassificationMetric where Formula: PerClassCurveFormula {
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

extension ClassificationMetric where Formula: MacroAveragedCurveFormula {
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
