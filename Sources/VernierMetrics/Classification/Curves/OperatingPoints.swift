import VernierCore
import VernierTensor

/// Best operating points on a curve under a constraint (TorchMetrics'
/// `_precision_at_recall`, `_recall_at_precision`, `_sensitivity_at_specificity`,
/// `_specificity_at_sensitivity`). Constraints compare float32 values with
/// the bound rounded to float32, as TorchMetrics' tensor comparisons do.
enum OperatingPoint {
    /// What a metric maximises and under which constraint.
    enum Kind {
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
    static func best(_ c: Curve, _ kind: Kind, bound: Double) -> (value: Float, threshold: Double) {
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
    static func value(_ data: CurveData, _ kind: Kind, bound: Double) throws -> MetricValue {
        let curves = try data.curves(kind.curve)
        let results = curves.map { best($0, kind, bound: bound) }
        let dtype = curves.first?.dtype ?? .float32
        let shape: [Int] = data.cfg.task == .binary ? [] : [results.count]
        return .list([.tensor(Tensor(results.map(\.value), shape: shape)),
                      .tensor(Tensor(results.map(\.threshold), shape: shape).cast(dtype))])
    }

    /// The bound option of `kind`, for Swift initialisers.
    static func bound(_ options: MetricOptions, _ kind: Kind) -> Double { options.double(kind.option) ?? 0 }
}

// MARK: Precision at fixed recall

/// The highest precision among the precision-recall points (see
/// ``BinaryPrecisionRecallCurve``) whose recall is at least `min_recall`,
/// and that point's threshold: `[precision, threshold]`. No such point, or a
/// best precision of 0: precision 0 and a NaN threshold.
public final class BinaryPrecisionAtFixedRecall: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_precision_at_fixed_recall", domain: .classification, summary: "highest precision with recall >= min_recall, and its threshold",
        options: CurveOptions.specs(.binary, [OperatingPoint.Kind.precisionAtRecall.spec])
    ) { try BinaryPrecisionAtFixedRecall(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .precisionAtRecall)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Precision at `minRecall`.
    public convenience init(minRecall: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["min_recall": .double(minRecall), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .precisionAtRecall, bound: bound) }
}

/// ``BinaryPrecisionAtFixedRecall`` for every class of multiclass scores
/// (one-vs-rest curves): `[precision [C], threshold [C]]`.
public final class MulticlassPrecisionAtFixedRecall: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_precision_at_fixed_recall", domain: .classification, summary: "per class, highest precision with recall >= min_recall",
        options: CurveOptions.specs(.multiclass, [OperatingPoint.Kind.precisionAtRecall.spec])
    ) { try MulticlassPrecisionAtFixedRecall(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .precisionAtRecall)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-class precision at `minRecall`.
    public convenience init(numClasses: Int, minRecall: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "min_recall": .double(minRecall), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .precisionAtRecall, bound: bound) }
}

/// ``BinaryPrecisionAtFixedRecall`` for every label of multilabel scores: `[precision [L], threshold [L]]`.
public final class MultilabelPrecisionAtFixedRecall: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_precision_at_fixed_recall", domain: .classification, summary: "per label, highest precision with recall >= min_recall",
        options: CurveOptions.specs(.multilabel, [OperatingPoint.Kind.precisionAtRecall.spec])
    ) { try MultilabelPrecisionAtFixedRecall(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .precisionAtRecall)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-label precision at `minRecall`.
    public convenience init(numLabels: Int, minRecall: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "min_recall": .double(minRecall), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .precisionAtRecall, bound: bound) }
}

// MARK: Recall at fixed precision

/// The highest recall among the precision-recall points whose precision is
/// at least `min_precision` (ties: higher precision, then higher threshold),
/// and its threshold: `[recall, threshold]`. No such point, or a best recall
/// of 0: recall 0 and a NaN threshold.
public final class BinaryRecallAtFixedPrecision: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_recall_at_fixed_precision", domain: .classification, summary: "highest recall with precision >= min_precision, and its threshold",
        options: CurveOptions.specs(.binary, [OperatingPoint.Kind.recallAtPrecision.spec])
    ) { try BinaryRecallAtFixedPrecision(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .recallAtPrecision)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Recall at `minPrecision`.
    public convenience init(minPrecision: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["min_precision": .double(minPrecision), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .recallAtPrecision, bound: bound) }
}

/// ``BinaryRecallAtFixedPrecision`` for every class of multiclass scores: `[recall [C], threshold [C]]`.
public final class MulticlassRecallAtFixedPrecision: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_recall_at_fixed_precision", domain: .classification, summary: "per class, highest recall with precision >= min_precision",
        options: CurveOptions.specs(.multiclass, [OperatingPoint.Kind.recallAtPrecision.spec])
    ) { try MulticlassRecallAtFixedPrecision(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .recallAtPrecision)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-class recall at `minPrecision`.
    public convenience init(numClasses: Int, minPrecision: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "min_precision": .double(minPrecision), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .recallAtPrecision, bound: bound) }
}

/// ``BinaryRecallAtFixedPrecision`` for every label of multilabel scores: `[recall [L], threshold [L]]`.
public final class MultilabelRecallAtFixedPrecision: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_recall_at_fixed_precision", domain: .classification, summary: "per label, highest recall with precision >= min_precision",
        options: CurveOptions.specs(.multilabel, [OperatingPoint.Kind.recallAtPrecision.spec])
    ) { try MultilabelRecallAtFixedPrecision(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .recallAtPrecision)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-label recall at `minPrecision`.
    public convenience init(numLabels: Int, minPrecision: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "min_precision": .double(minPrecision), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .recallAtPrecision, bound: bound) }
}

// MARK: Sensitivity at specificity

/// The highest sensitivity (tpr) among the ROC points (see ``BinaryROC``)
/// whose specificity `1 - fpr` is at least `min_specificity`, and that
/// point's threshold: `[sensitivity, threshold]`. No such point: `[0, 1e6]`.
public final class BinarySensitivityAtSpecificity: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_sensitivity_at_specificity", domain: .classification, summary: "highest sensitivity with specificity >= min_specificity, and its threshold",
        options: CurveOptions.specs(.binary, [OperatingPoint.Kind.sensitivityAtSpecificity.spec])
    ) { try BinarySensitivityAtSpecificity(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .sensitivityAtSpecificity)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Sensitivity at `minSpecificity`.
    public convenience init(minSpecificity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["min_specificity": .double(minSpecificity), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .sensitivityAtSpecificity, bound: bound) }
}

/// ``BinarySensitivityAtSpecificity`` for every class of multiclass scores: `[sensitivity [C], threshold [C]]`.
public final class MulticlassSensitivityAtSpecificity: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_sensitivity_at_specificity", domain: .classification, summary: "per class, highest sensitivity with specificity >= min_specificity",
        options: CurveOptions.specs(.multiclass, [OperatingPoint.Kind.sensitivityAtSpecificity.spec])
    ) { try MulticlassSensitivityAtSpecificity(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .sensitivityAtSpecificity)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-class sensitivity at `minSpecificity`.
    public convenience init(numClasses: Int, minSpecificity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "min_specificity": .double(minSpecificity), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .sensitivityAtSpecificity, bound: bound) }
}

/// ``BinarySensitivityAtSpecificity`` for every label of multilabel scores: `[sensitivity [L], threshold [L]]`.
public final class MultilabelSensitivityAtSpecificity: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_sensitivity_at_specificity", domain: .classification, summary: "per label, highest sensitivity with specificity >= min_specificity",
        options: CurveOptions.specs(.multilabel, [OperatingPoint.Kind.sensitivityAtSpecificity.spec])
    ) { try MultilabelSensitivityAtSpecificity(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .sensitivityAtSpecificity)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-label sensitivity at `minSpecificity`.
    public convenience init(numLabels: Int, minSpecificity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "min_specificity": .double(minSpecificity), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .sensitivityAtSpecificity, bound: bound) }
}

// MARK: Specificity at sensitivity

/// The highest specificity `1 - fpr` among the ROC points whose sensitivity
/// (tpr) is at least `min_sensitivity`, and that point's threshold:
/// `[specificity, threshold]`. No such point: `[0, 1e6]`.
public final class BinarySpecificityAtSensitivity: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_specificity_at_sensitivity", domain: .classification, summary: "highest specificity with sensitivity >= min_sensitivity, and its threshold",
        options: CurveOptions.specs(.binary, [OperatingPoint.Kind.specificityAtSensitivity.spec])
    ) { try BinarySpecificityAtSensitivity(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .specificityAtSensitivity)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Specificity at `minSensitivity`.
    public convenience init(minSensitivity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["min_sensitivity": .double(minSensitivity), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .specificityAtSensitivity, bound: bound) }
}

/// ``BinarySpecificityAtSensitivity`` for every class of multiclass scores: `[specificity [C], threshold [C]]`.
public final class MulticlassSpecificityAtSensitivity: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_specificity_at_sensitivity", domain: .classification, summary: "per class, highest specificity with sensitivity >= min_sensitivity",
        options: CurveOptions.specs(.multiclass, [OperatingPoint.Kind.specificityAtSensitivity.spec])
    ) { try MulticlassSpecificityAtSensitivity(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .specificityAtSensitivity)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-class specificity at `minSensitivity`.
    public convenience init(numClasses: Int, minSensitivity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "min_sensitivity": .double(minSensitivity), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .specificityAtSensitivity, bound: bound) }
}

/// ``BinarySpecificityAtSensitivity`` for every label of multilabel scores: `[specificity [L], threshold [L]]`.
public final class MultilabelSpecificityAtSensitivity: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_specificity_at_sensitivity", domain: .classification, summary: "per label, highest specificity with sensitivity >= min_sensitivity",
        options: CurveOptions.specs(.multilabel, [OperatingPoint.Kind.specificityAtSensitivity.spec])
    ) { try MultilabelSpecificityAtSensitivity(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let bound: Double

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        bound = OperatingPoint.bound(options, .specificityAtSensitivity)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Per-label specificity at `minSensitivity`.
    public convenience init(numLabels: Int, minSensitivity: Double, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "min_sensitivity": .double(minSensitivity), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try OperatingPoint.value(data, .specificityAtSensitivity, bound: bound) }
}
