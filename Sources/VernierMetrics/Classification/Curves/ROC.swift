import VernierCore
import VernierTensor

/// The receiver operating characteristic of binary scores: `[fpr, tpr, thresholds]`.
///
/// Exact mode (`thresholds=None`): the thresholds are `1` followed by every
/// distinct score, descending; `fpr = fp / negatives` and `tpr = tp /
/// positives` count the samples with `score >= threshold` (the first point is
/// (0, 0)). Without negatives (positives) fpr (tpr) is all 0. Binned mode:
/// the given thresholds, descending, with 0/0 rates as 0.
///
/// Inputs: `preds (N, ...)` probabilities or logits (sigmoid applied; see
/// ``InputFormat``), `target (N, ...)` 0/1 integers or `ignore_index`.
/// Float32 values; thresholds in the scores' dtype. No sample at all: an error.
public final class BinaryROC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_roc", domain: .classification, summary: "ROC curve [fpr, tpr, thresholds] of binary scores",
        options: CurveOptions.specs(.binary)
    ) { try BinaryROC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// A binary ROC curve.
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try data.curve(.roc, 0).value }
}

/// One-vs-rest ROC curves of multiclass scores (see ``BinaryROC``): class
/// `c`'s positives are the samples labelled `c`.
///
/// `average`: `None` (default) one `[fpr, tpr, thresholds]` per class (binned:
/// `[fpr [C, T], tpr [C, T], thresholds [T]]`); `micro` one curve over every
/// (sample, class) pair; `macro` every class's points pooled, fpr sorted,
/// tpr the mean of the classes' interpolated tpr, thresholds sorted descending.
///
/// Inputs: `preds (N, C, ...)` probabilities or logits (softmax over C),
/// `target (N, ...)` labels in [0, C) or `ignore_index` (dropped).
public final class MulticlassROC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_roc", domain: .classification, summary: "one-vs-rest ROC curves of multiclass scores (per class, micro or macro)",
        options: CurveOptions.specs(.multiclass, [CurveOptions.average(["micro", "macro", "none"], default: .none)])
    ) { try MulticlassROC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage
    let average: String

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        average = CurveOptions.averageName(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass ROC curves over `numClasses` classes; `average` is `"micro"`, `"macro"` or nil.
    public convenience init(numClasses: Int, average: String? = nil, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "average": average.map { .string($0) } ?? .none,
                       "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try data.curveValue(.roc, average: average) }
}

/// ROC curves of multilabel scores, one `[fpr, tpr, thresholds]` per label
/// (see ``BinaryROC``; binned: stacked `[fpr [L, T], tpr [L, T], thresholds]`).
///
/// Inputs: `preds (N, L, ...)` probabilities or logits (sigmoid), `target (N,
/// L, ...)` 0/1 or `ignore_index` (left out of that label's curve). A label
/// with no sample left: an error.
public final class MultilabelROC: CurveMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_roc", domain: .classification, summary: "ROC curve of every label of multilabel scores",
        options: CurveOptions.specs(.multilabel)
    ) { try MultilabelROC(options: $0) }

    public let options: MetricOptions
    public let config: CurveConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try CurveConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel ROC curves over `numLabels` labels.
    public convenience init(numLabels: Int, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "thresholds": thresholds.optionValue, "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func value(of data: CurveData) throws -> MetricValue { try data.curveValue(.roc, average: "none") }
}
