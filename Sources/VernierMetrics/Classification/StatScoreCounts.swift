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
/// Nothing counted: all zeros (`weighted`: NaN).
public struct StatScoresFormula: PlainStatScoreFormula {
    /// `binary_stat_scores`, `multiclass_stat_scores`, `multilabel_stat_scores`; no direction.
    public static let family = ClassificationFamily("stat_scores", higherIsBetter: nil, summaries: [
        .binary: "binary [tp, fp, tn, fn, support]",
        .multiclass: "multiclass [tp, fp, tn, fn, support] (micro/macro/weighted/none)",
        .multilabel: "multilabel [tp, fp, tn, fn, support] (micro/macro/weighted/none)",
    ]) { ClassificationOptions.statScores($0) }

    /// The formula.
    public init() {}

    /// The `[tp, fp, tn, fn, support]` rows, reduced by `average`.
    public func value(_ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
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

/// Binary stat scores: `[tp, fp, tn, fn, support]`, int64 `[5]` (or
/// `[N, 5]` samplewise), `support = tp + fn` (see ``StatScoresFormula``).
public typealias BinaryStatScores = ClassificationMetric<StatScoresFormula, BinaryTask>

/// Multiclass stat scores: `[tp, fp, tn, fn, support]` per class, reduced
/// by `average` (`micro` and `none` int64 counts, `macro` and `weighted`
/// float32 means; see ``StatScoresFormula``).
public typealias MulticlassStatScores = ClassificationMetric<StatScoresFormula, MulticlassTask>

/// Multilabel stat scores: `[tp, fp, tn, fn, support]` per label, reduced
/// by `average` (see ``StatScoresFormula``).
public typealias MultilabelStatScores = ClassificationMetric<StatScoresFormula, MultilabelTask>
