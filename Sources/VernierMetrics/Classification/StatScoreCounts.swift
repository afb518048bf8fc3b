import VernierCore
import VernierTensor

/// The `stat_scores` output (TorchMetrics' `_*_stat_scores_compute`): per
/// row `[tp, fp, tn, fn, support]` with `support = tp + fn`.
///
/// - binary: int64 `[5]` (samplewise `[N, 5]`).
/// - multiclass/multilabel by `average`: `micro` sums over classes (int64
///   `[5]`); `macro` is the plain mean over all classes (float32, absent
///   classes included); `weighted` is `Σ_c row_c · w_c / Σ w` with
///   `w = support`, float32, NaN when the support sums to 0 (TorchMetrics
///   divides without a guard); `none` keeps every class (int64 `[C, 5]`).
///   Samplewise adds a leading `N` axis. In the multilabel samplewise
///   weighted case TorchMetrics normalises by the support summed over all
///   samples and labels, not per sample; Vernier does the same.
enum StatScoresFormula {
    static func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        let samplewise = cfg.multidimAverage == .samplewise
        func cell(_ i: Int) -> [Double] {
            let tp = t.tp[i], fn = t.fn[i]
            return [tp, t.fp[i], t.tn[i], fn, tp + fn]
        }
        func ints(_ values: [Double], _ shape: [Int]) -> MetricValue { .tensor(Tensor(values.map { Int64($0) }, shape: shape)) }
        func floats(_ values: [Double], _ shape: [Int]) -> MetricValue { .tensor(Tensor(values.map { Float($0) }, shape: shape)) }
        let rowShape = samplewise ? [t.rows, 5] : [5]
        if cfg.task == .binary { return ints((0..<t.rows).flatMap(cell), rowShape) }
        switch cfg.average {
        case .none:
            return ints((0..<(t.rows * t.cols)).flatMap(cell), (samplewise ? [t.rows] : []) + [t.cols, 5])
        case .micro:
            let summed = t.summedOverClasses()
            return ints((0..<t.rows).flatMap { (r: Int) -> [Double] in
                let tp = summed.tp[r], fn = summed.fn[r]
                return [tp, summed.fp[r], summed.tn[r], fn, tp + fn]
            }, rowShape)
        case .macro:
            var out = [Double](repeating: 0, count: t.rows * 5)
            for r in 0..<t.rows {
                for c in 0..<t.cols {
                    for (k, v) in cell(r * t.cols + c).enumerated() { out[r * 5 + k] += v / Double(t.cols) }
                }
            }
            return floats(out, rowShape)
        case .weighted:
            let allSupport = (0..<(t.rows * t.cols)).reduce(0.0) { $0 + t.tp[$1] + t.fn[$1] }
            var out = [Double](repeating: 0, count: t.rows * 5)
            for r in 0..<t.rows {
                let rowSupport = (0..<t.cols).reduce(0.0) { $0 + t.tp[r * t.cols + $1] + t.fn[r * t.cols + $1] }
                let norm = cfg.task == .multilabel ? allSupport : rowSupport
                for c in 0..<t.cols {
                    let i = r * t.cols + c
                    let w = (t.tp[i] + t.fn[i]) / norm
                    for (k, v) in cell(i).enumerated() { out[r * 5 + k] += v * w }
                }
            }
            return floats(out, rowShape)
        }
    }
}

/// Binary stat scores: `[tp, fp, tn, fn, support]` (int64 `[5]`, or `[N, 5]`
/// with `multidim_average="samplewise"`), `support = tp + fn`.
///
/// Inputs: `preds` (N, ...) probabilities, logits (sigmoid applied, see
/// ``InputFormat``) or 0/1 labels; `target` (N, ...) of 0/1 (or
/// `ignore_index`, left out). Nothing counted: all zeros.
public final class BinaryStatScores: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_stat_scores", domain: .classification, summary: "binary [tp, fp, tn, fn, support]",
        options: ClassificationOptions.binaryStatScores
    ) { try BinaryStatScores(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .binary, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Binary stat scores with TorchMetrics' defaults (`threshold` 0.5, global).
    public convenience init(threshold: Double = 0.5, multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(ClassificationOptions.binary(threshold: threshold, multidimAverage: multidimAverage, ignoreIndex: ignoreIndex, zeroDivision: 0))
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { StatScoresFormula.value(totals, config) }
}

/// Multiclass stat scores: `[tp, fp, tn, fn, support]` per class, reduced
/// by `average` (see the shapes and dtypes in ``StatScoresFormula``: `micro`
/// and `none` are int64 counts, `macro` and `weighted` float32 means).
///
/// Inputs: `preds` (N, C, ...) scores (argmax; with `top_k > 1` a position
/// counts as its target when the target is among the k highest scores) or
/// (N, ...) labels; `target` (N, ...) labels in [0, C) or `ignore_index`
/// (left out). A `weighted` result with no support anywhere is NaN, as in
/// TorchMetrics.
public final class MulticlassStatScores: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_stat_scores", domain: .classification, summary: "multiclass [tp, fp, tn, fn, support] (micro/macro/weighted/none)",
        options: ClassificationOptions.multiclassStatScores
    ) { try MulticlassStatScores(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multiclass, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multiclass stat scores over `numClasses` classes.
    public convenience init(numClasses: Int, average: ClassAverage = .macro, topK: Int = 1,
                            multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(ClassificationOptions.multiclass(numClasses: numClasses, average: average, topK: topK, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: 0))
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { StatScoresFormula.value(totals, config) }
}

/// Multilabel stat scores: `[tp, fp, tn, fn, support]` per label, reduced
/// by `average` (see ``StatScoresFormula``).
///
/// Inputs: `preds` and `target` of shape (N, L, ...); float preds are
/// thresholded (sigmoid first for logits), target holds 0/1 or
/// `ignore_index` (left out). A `weighted` result with no support anywhere
/// is NaN, as in TorchMetrics.
public final class MultilabelStatScores: StatScoresMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_stat_scores", domain: .classification, summary: "multilabel [tp, fp, tn, fn, support] (micro/macro/weighted/none)",
        options: ClassificationOptions.multilabelStatScores
    ) { try MultilabelStatScores(options: $0) }

    public let options: MetricOptions
    public let config: StatScoresConfig
    public var storage: MetricStorage

    public init(options: MetricOptions) throws {
        self.options = options
        config = try StatScoresConfig(task: .multilabel, options: options, metric: Self.descriptor.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Multilabel stat scores over `numLabels` labels.
    public convenience init(numLabels: Int, threshold: Double = 0.5, average: ClassAverage = .macro,
                            multidimAverage: MultidimAverage = .global, ignoreIndex: Int? = nil) throws {
        try self.init(ClassificationOptions.multilabel(numLabels: numLabels, threshold: threshold, average: average, multidimAverage: multidimAverage,
                                                       ignoreIndex: ignoreIndex, zeroDivision: 0))
    }

    public func reduce(_ totals: StatTotals) -> MetricValue { StatScoresFormula.value(totals, config) }
}
