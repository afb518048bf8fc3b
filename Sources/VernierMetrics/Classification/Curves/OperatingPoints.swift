import VernierCore
import VernierTensor

/// What an operating-point metric maximises and under which constraint.
public enum OperatingPointKind: Sendable {
    /// Max precision over the PR points with `recall >= min_recall`.
    case precisionAtRecall
    /// Max recall over the PR points with `precision >= min_precision`.
    case recallAtPrecision
    /// Max tpr over the ROC points with `1 - fpr >= min_specificity`.
    case sensitivityAtSpecificity
    /// Max `1 - fpr` over the ROC points with `tpr >= min_sensitivity`.
    case specificityAtSensitivity

    var curve: CurveKind {
        switch self {
        case .precisionAtRecall, .recallAtPrecision: return .pr
        case .sensitivityAtSpecificity, .specificityAtSensitivity: return .roc
        }
    }

    /// The option holding the bound.
    var option: String {
        switch self {
        case .precisionAtRecall: return "min_recall"
        case .recallAtPrecision: return "min_precision"
        case .sensitivityAtSpecificity: return "min_specificity"
        case .specificityAtSensitivity: return "min_sensitivity"
        }
    }

    var spec: OptionSpec {
        OptionSpec(option, .double(min: 0, max: 1), default: .none, help: "the constraint's lower bound, in [0, 1] (required)")
    }
}

/// Best operating points on a curve under a constraint (TorchMetrics'
/// `_precision_at_recall`, `_recall_at_precision`, `_sensitivity_at_specificity`,
/// `_specificity_at_sensitivity`). Constraints compare float32 values with
/// the bound rounded to float32, as TorchMetrics' tensor comparisons do.
enum OperatingPoint {
    /// The best value and its threshold on `c`.
    ///
    /// - precision at recall: candidates are the points that have a threshold;
    ///   the largest (precision, recall, threshold) triple wins, compared
    ///   lexicographically. None: (0, NaN).
    /// - recall at precision: the largest recall, ties by precision then
    ///   threshold, first point first. None: (0, NaN).
    /// Either way a best value of 0 reports a NaN threshold.
    /// - sensitivity at specificity / specificity at sensitivity: the first
    ///   point with the largest value. None: (0, 1e6).
    static func best(_ c: Curve, _ kind: OperatingPointKind, bound: Double) -> (value: Float, threshold: Double) {
        let b = Float(bound)
        let n = Swift.min(c.x.count, c.y.count, c.thresholds.count)
        switch kind {
        case .precisionAtRecall:
            var best: (Float, Float, Double)? = nil
            for i in 0..<n where c.y[i] >= b {
                let item = (c.x[i], c.y[i], c.thresholds[i])
                if let cur = best { if greater(item, cur) { best = item } } else { best = item }
            }
            let value = best?.0 ?? 0
            return (value, value == 0 ? .nan : best!.2)
        case .recallAtPrecision:
            var best: (Float, Float, Double)? = nil
            for i in 0..<n where c.x[i] >= b && !c.y[i].isNaN {
                let item = (c.y[i], c.x[i], c.thresholds[i])
                if let cur = best {
                    if item.0 > cur.0 || (item.0 == cur.0 && (item.1 > cur.1 || (item.1 == cur.1 && item.2 > cur.2))) { best = item }
                } else {
                    best = item
                }
            }
            let value = best?.0 ?? 0
            return (value, value == 0 ? .nan : best!.2)
        case .sensitivityAtSpecificity, .specificityAtSensitivity:
            var best: (Float, Double)? = nil
            for i in 0..<n {
                let specificity = 1 - c.x[i], sensitivity = c.y[i]
                let (constrained, value) = kind == .sensitivityAtSpecificity ? (specificity, sensitivity) : (sensitivity, specificity)
                guard constrained >= b else { continue }
                if best == nil || value > best!.0 { best = (value, c.thresholds[i]) }
            }
            return best ?? (0, 1e6)
        }
    }

    /// Python's `a > b` on tuples of tensors: decided at the first position
    /// where the elements are not `==` (so a NaN there compares as not greater).
    private static func greater(_ a: (Float, Float, Double), _ b: (Float, Float, Double)) -> Bool {
        if !(a.0 == b.0) { return a.0 > b.0 }
        if !(a.1 == b.1) { return a.1 > b.1 }
        if !(a.2 == b.2) { return a.2 > b.2 }
        return false
    }

    /// `[value, threshold]`: scalars for the binary task, `[K]` tensors otherwise.
    static func value(_ data: CurveData, _ kind: OperatingPointKind, bound: Double) throws -> MetricValue {
        let curves = try data.curves(kind.curve)
        let results = curves.map { best($0, kind, bound: bound) }
        let dtype = curves.first?.dtype ?? .float32
        let shape: [Int] = data.cfg.task == .binary ? [] : [results.count]
        return .list([.tensor(Tensor(results.map(\.value), shape: shape)),
                      .tensor(Tensor(results.map(\.threshold), shape: shape).cast(dtype))])
    }
}

/// An operating-point formula: the best value on each curve under a lower
/// bound on the other coordinate (see ``OperatingPointKind``), and its
/// threshold; the tie rules are TorchMetrics'. Output: `[value, threshold]`,
/// scalars for binary, `[K]` per class or label otherwise; thresholds in the
/// scores' dtype.
public protocol OperatingPointFormula: CurveFormula {
    /// What is maximised under which constraint.
    static var kind: OperatingPointKind { get }
    /// The constraint's lower bound.
    var bound: Double { get }
    /// The formula for `bound`.
    init(bound: Double)
}

extension OperatingPointFormula {
    /// Reads the bound (the required option of ``kind``).
    public init(options: MetricOptions, metric: String) { self.init(bound: options.double(Self.kind.option) ?? 0) }

    /// `[value, threshold]` for every curve.
    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, Self.kind, bound: bound) }

    /// The options of the family: the task's curve options after the bound.
    static func options(_ task: ClassificationTask) -> [OptionSpec] { CurveOptions.specs(task, [kind.spec]) }
}

extension ClassificationMetric where Formula: OperatingPointFormula {
    /// The metric from Swift arguments: the constraint's `bound`, `count` classes or labels (nil for binary).
    convenience init(bound: Double, count: Int?, thresholds: CurveThresholds, ignoreIndex: Int?) throws {
        try self.init(count: count, [Formula.kind.option: .double(bound)], thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

/// Precision at fixed recall: the highest precision among the
/// precision-recall points (``PrecisionRecallCurveFormula``) whose recall is
/// at least `min_recall`, and that point's threshold. No such point, or a
/// best precision of 0: precision 0 and a NaN threshold.
public struct PrecisionAtFixedRecallFormula: OperatingPointFormula {
    /// ``OperatingPointKind/precisionAtRecall``.
    public static let kind = OperatingPointKind.precisionAtRecall
    /// `binary_precision_at_fixed_recall`, `multiclass_...`, `multilabel_...` (with `min_recall`); no direction.
    public static let family = ClassificationFamily("precision_at_fixed_recall", higherIsBetter: nil, summaries: [
        .binary: "highest precision with recall >= min_recall, and its threshold",
        .multiclass: "per class, highest precision with recall >= min_recall",
        .multilabel: "per label, highest precision with recall >= min_recall",
    ]) { options($0) }
    /// `min_recall`.
    public let bound: Double
    /// The formula for `min_recall` = `bound`.
    public init(bound: Double) { self.bound = bound }
}

/// Recall at fixed precision: the highest recall among the precision-recall
/// points whose precision is at least `min_precision` (ties: higher
/// precision, then higher threshold), and its threshold. No such point, or a
/// best recall of 0: recall 0 and a NaN threshold.
public struct RecallAtFixedPrecisionFormula: OperatingPointFormula {
    /// ``OperatingPointKind/recallAtPrecision``.
    public static let kind = OperatingPointKind.recallAtPrecision
    /// `binary_recall_at_fixed_precision`, `multiclass_...`, `multilabel_...` (with `min_precision`); no direction.
    public static let family = ClassificationFamily("recall_at_fixed_precision", higherIsBetter: nil, summaries: [
        .binary: "highest recall with precision >= min_precision, and its threshold",
        .multiclass: "per class, highest recall with precision >= min_precision",
        .multilabel: "per label, highest recall with precision >= min_precision",
    ]) { options($0) }
    /// `min_precision`.
    public let bound: Double
    /// The formula for `min_precision` = `bound`.
    public init(bound: Double) { self.bound = bound }
}

/// Sensitivity at specificity: the highest sensitivity (tpr) among the ROC
/// points (``ROCFormula``) whose specificity `1 - fpr` is at least
/// `min_specificity`, and that point's threshold. No such point: `[0, 1e6]`.
public struct SensitivityAtSpecificityFormula: OperatingPointFormula {
    /// ``OperatingPointKind/sensitivityAtSpecificity``.
    public static let kind = OperatingPointKind.sensitivityAtSpecificity
    /// `binary_sensitivity_at_specificity`, `multiclass_...`, `multilabel_...` (with `min_specificity`); no direction.
    public static let family = ClassificationFamily("sensitivity_at_specificity", higherIsBetter: nil, summaries: [
        .binary: "highest sensitivity with specificity >= min_specificity, and its threshold",
        .multiclass: "per class, highest sensitivity with specificity >= min_specificity",
        .multilabel: "per label, highest sensitivity with specificity >= min_specificity",
    ]) { options($0) }
    /// `min_specificity`.
    public let bound: Double
    /// The formula for `min_specificity` = `bound`.
    public init(bound: Double) { self.bound = bound }
}

/// Specificity at sensitivity: the highest specificity `1 - fpr` among the
/// ROC points whose sensitivity (tpr) is at least `min_sensitivity`, and
/// that point's threshold. No such point: `[0, 1e6]`.
public struct SpecificityAtSensitivityFormula: OperatingPointFormula {
    /// ``OperatingPointKind/specificityAtSensitivity``.
    public static let kind = OperatingPointKind.specificityAtSensitivity
    /// `binary_specificity_at_sensitivity`, `multiclass_...`, `multilabel_...` (with `min_sensitivity`); no direction.
    public static let family = ClassificationFamily("specificity_at_sensitivity", higherIsBetter: nil, summaries: [
        .binary: "highest specificity with sensitivity >= min_sensitivity, and its threshold",
        .multiclass: "per class, highest specificity with sensitivity >= min_sensitivity",
        .multilabel: "per label, highest specificity with sensitivity >= min_sensitivity",
    ]) { options($0) }
    /// `min_sensitivity`.
    public let bound: Double
    /// The formula for `min_sensitivity` = `bound`.
    public init(bound: Double) { self.bound = bound }
}

extension ClassificationMetric where Formula == PrecisionAtFixedRecallFormula {
    /// Binary precision at `minRecall`.
    public convenience init(minRecall: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(bound: minRecall, count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-class precision at `minRecall`.
    public convenience init(numClasses: Int, minRecall: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(bound: minRecall, count: numClasses, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-label precision at `minRecall`.
    public convenience init(numLabels: Int, minRecall: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(bound: minRecall, count: numLabels, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

extension ClassificationMetric where Formula == RecallAtFixedPrecisionFormula {
    /// Binary recall at `minPrecision`.
    public convenience init(minPrecision: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(bound: minPrecision, count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-class recall at `minPrecision`.
    public convenience init(numClasses: Int, minPrecision: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(bound: minPrecision, count: numClasses, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-label recall at `minPrecision`.
    public convenience init(numLabels: Int, minPrecision: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(bound: minPrecision, count: numLabels, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

extension ClassificationMetric where Formula == SensitivityAtSpecificityFormula {
    /// Binary sensitivity at `minSpecificity`.
    public convenience init(minSpecificity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(bound: minSpecificity, count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-class sensitivity at `minSpecificity`.
    public convenience init(numClasses: Int, minSpecificity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(bound: minSpecificity, count: numClasses, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-label sensitivity at `minSpecificity`.
    public convenience init(numLabels: Int, minSpecificity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(bound: minSpecificity, count: numLabels, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

extension ClassificationMetric where Formula == SpecificityAtSensitivityFormula {
    /// Binary specificity at `minSensitivity`.
    public convenience init(minSensitivity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(bound: minSensitivity, count: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-class specificity at `minSensitivity`.
    public convenience init(numClasses: Int, minSensitivity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MulticlassTask {
        try self.init(bound: minSensitivity, count: numClasses, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Per-label specificity at `minSensitivity`.
    public convenience init(numLabels: Int, minSensitivity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws
    where TaskKind == MultilabelTask {
        try self.init(bound: minSensitivity, count: numLabels, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

/// Binary precision at fixed recall, `[precision, threshold]` (see ``PrecisionAtFixedRecallFormula``).
public typealias BinaryPrecisionAtFixedRecall = ClassificationMetric<PrecisionAtFixedRecallFormula, BinaryTask>
/// Per class of multiclass scores (one-vs-rest curves), `[precision [C], threshold [C]]` (see ``PrecisionAtFixedRecallFormula``).
public typealias MulticlassPrecisionAtFixedRecall = ClassificationMetric<PrecisionAtFixedRecallFormula, MulticlassTask>
/// Per label of multilabel scores, `[precision [L], threshold [L]]` (see ``PrecisionAtFixedRecallFormula``).
public typealias MultilabelPrecisionAtFixedRecall = ClassificationMetric<PrecisionAtFixedRecallFormula, MultilabelTask>

/// Binary recall at fixed precision, `[recall, threshold]` (see ``RecallAtFixedPrecisionFormula``).
public typealias BinaryRecallAtFixedPrecision = ClassificationMetric<RecallAtFixedPrecisionFormula, BinaryTask>
/// Per class of multiclass scores, `[recall [C], threshold [C]]` (see ``RecallAtFixedPrecisionFormula``).
public typealias MulticlassRecallAtFixedPrecision = ClassificationMetric<RecallAtFixedPrecisionFormula, MulticlassTask>
/// Per label of multilabel scores, `[recall [L], threshold [L]]` (see ``RecallAtFixedPrecisionFormula``).
public typealias MultilabelRecallAtFixedPrecision = ClassificationMetric<RecallAtFixedPrecisionFormula, MultilabelTask>

/// Binary sensitivity at specificity, `[sensitivity, threshold]` (see ``SensitivityAtSpecificityFormula``).
public typealias BinarySensitivityAtSpecificity = ClassificationMetric<SensitivityAtSpecificityFormula, BinaryTask>
/// Per class of multiclass scores, `[sensitivity [C], threshold [C]]` (see ``SensitivityAtSpecificityFormula``).
public typealias MulticlassSensitivityAtSpecificity = ClassificationMetric<SensitivityAtSpecificityFormula, MulticlassTask>
/// Per label of multilabel scores, `[sensitivity [L], threshold [L]]` (see ``SensitivityAtSpecificityFormula``).
public typealias MultilabelSensitivityAtSpecificity = ClassificationMetric<SensitivityAtSpecificityFormula, MultilabelTask>

/// Binary specificity at sensitivity, `[specificity, threshold]` (see ``SpecificityAtSensitivityFormula``).
public typealias BinarySpecificityAtSensitivity = ClassificationMetric<SpecificityAtSensitivityFormula, BinaryTask>
/// Per class of multiclass scores, `[specificity [C], threshold [C]]` (see ``SpecificityAtSensitivityFormula``).
public typealias MulticlassSpecificityAtSensitivity = ClassificationMetric<SpecificityAtSensitivityFormula, MulticlassTask>
/// Per label of multilabel scores, `[specificity [L], threshold [L]]` (see ``SpecificityAtSensitivityFormula``).
public typealias MultilabelSpecificityAtSensitivity = ClassificationMetric<SpecificityAtSensitivityFormula, MultilabelTask>
