import VernierCore
import VernierTensor

/// The area under ROC curves (TorchMetrics' `_binary_auroc_compute`, `_reduce_auroc`).
enum AUROCFormula {
    static let maxFpr = OptionSpec("max_fpr", .optional(.double(min: 0, max: 1)), default: .none,
                                   help: "if set, the standardised partial AUC over fpr in [0, max_fpr] (McClish correction)")

    /// The area under one ROC curve; with `maxFpr` in (0, 1) the partial area
    /// up to `maxFpr` (the curve cut there, its tpr interpolated), McClish
    /// standardised: `0.5 · (1 + (A - m) / (M - m))`, `M = max_fpr`, `m = M²/2`.
    /// A curve with all-zero fpr or tpr (a single-class target) gives the
    /// plain area, 0.
    static func area(_ roc: Curve, maxFpr: Double?) -> Double {
        let fpr = roc.x, tpr = roc.y
        guard let maxFpr, maxFpr < 1, fpr.contains(where: { $0 != 0 }), tpr.contains(where: { $0 != 0 }) else {
            return CurveMath.area(x: fpr, y: tpr)
        }
        // TorchMetrics keeps max_fpr as a float32 tensor and finds the cut with
        // torch.bucketize (a binary search, which only means "the points up to
        // max_fpr" when fpr is sorted; binned curves over unsorted threshold
        // lists are not), then indexes Python-style (-1 is the last point).
        let bound = Float(maxFpr)
        let m = Double(bound)
        var lo = 0, hi = fpr.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if !(fpr[mid] > bound) { lo = mid + 1 } else { hi = mid }
        }
        let stop = lo
        let before = stop == 0 ? fpr.count - 1 : stop - 1
        var x = Array(fpr[..<stop]), y = Array(tpr[..<stop])
        // A curve that stays below max_fpr has no point to interpolate towards
        // (TorchMetrics fails there): its last tpr holds.
        let cutTpr = stop < fpr.count
            ? Double(tpr[before]) + (m - Double(fpr[before])) / (Double(fpr[stop]) - Double(fpr[before])) * (Double(tpr[stop]) - Double(tpr[before]))
            : Double(tpr[before])
        x.append(bound)
        y.append(Float(cutTpr))
        let partial = CurveMath.area(x: x, y: y)
        let minArea = 0.5 * m * m
        return 0.5 * (1 + (partial - minArea) / (m - minArea))
    }

    /// Checks `max_fpr` (TorchMetrics requires it in (0, 1]).
    static func maxFpr(_ options: MetricOptions, metric: String) throws -> Double? {
        guard let v = options.double("max_fpr") else { return nil }
        guard v > 0 else {
            throw MetricError.invalidOption(metric: metric, option: "max_fpr", expected: "None or a number in (0, 1], got \(v)")
        }
        return v
    }

    /// Per-column areas reduced by `average` (`micro` pools every column into one curve).
    static func reduce(_ data: CurveData, average: String) throws -> MetricValue {
        if average == "micro" { return .scalar(area(try data.curve(.roc, nil), maxFpr: nil)) }
        let rocs = try data.curves(.roc)
        return CurveMath.reduce(rocs.map { area($0, maxFpr: nil) }, average: average, weights: rocs.map(\.positives))
    }
}

/// Area under the ROC curve of binary scores (trapezoidal rule over the
/// exact or binned curve of ``BinaryROC``); with `max_fpr` the McClish
/// standardised partial area up to that false positive rate.
///
/// A single-class target gives 0 (the curve has no width or no height), as
/// TorchMetrics does after its warning. Output: a float32 scalar.
public final class BinaryAUROC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_auroc", domain: .classification, summary: "area under the ROC curve of binary scores",
        options: CurveOptions.specs(.binary, [AUROCFormula.maxFpr])
    ) { try BinaryAUROC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let maxFpr: Double?

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        maxFpr = try AUROCFormula.maxFpr(options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary AUROC (partial with `maxFpr`).
    public convenience init(maxFpr: Double? = nil, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["max_fpr": maxFpr.map { .double($0) } ?? .none, "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue {
        .scalar(AUROCFormula.area(try data.curve(.roc, 0), maxFpr: maxFpr))
    }
}

/// One-vs-rest AUROC of multiclass scores: each class's ROC area (see
/// ``MulticlassROC``), reduced by `average`: `macro` (default) the mean,
/// `weighted` weighted by each class's number of targets, `none` per class.
/// A class absent from the targets scores 0.
public final class MulticlassAUROC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_auroc", domain: .classification, summary: "one-vs-rest area under the ROC curve (macro/weighted/none)",
        options: CurveOptions.specs(.multiclass, [CurveOptions.average(["macro", "weighted", "none"], default: .string("macro"))])
    ) { try MulticlassAUROC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass AUROC; `average` is `"macro"`, `"weighted"` or `"none"`.
    public convenience init(numClasses: Int, average: String = "macro", thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "average": .string(average), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try AUROCFormula.reduce(data, average: average) }
}

/// AUROC of multilabel scores: each label's ROC area, reduced by `average`:
/// `micro` one curve over every (sample, label) pair, `macro` (default) the
/// mean, `weighted` weighted by each label's number of positive targets,
/// `none` per label. Ignored targets are left out.
public final class MultilabelAUROC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_auroc", domain: .classification, summary: "area under the ROC curve of multilabel scores (micro/macro/weighted/none)",
        options: CurveOptions.specs(.multilabel, [CurveOptions.average(["micro", "macro", "weighted", "none"], default: .string("macro"))])
    ) { try MultilabelAUROC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel AUROC; `average` is `"micro"`, `"macro"`, `"weighted"` or `"none"`.
    public convenience init(numLabels: Int, average: String = "macro", thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "average": .string(average), "thresholds": thresholds.optionValue,
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try AUROCFormula.reduce(data, average: average) }
}
