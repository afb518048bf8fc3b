import VernierCore
import VernierTensor

/// The area under ROC curves (trapezoidal rule over the exact or binned
/// curves of ``ROCFormula``; TorchMetrics' `_binary_auroc_compute`, `_reduce_auroc`).
///
/// - binary: the area of the one curve; with `max_fpr` the McClish
///   standardised partial area up to that false positive rate. A
///   single-class target gives 0 (the curve has no width or no height), as
///   TorchMetrics does after its warning.
/// - multiclass (one-vs-rest) and multilabel: each column's area, reduced by
///   `average`: `macro` (default) the mean, `weighted` weighted by each
///   column's number of positive targets, `none` per column; multilabel
///   `micro` is the area of one curve over every (sample, label) pair. A
///   class absent from the targets scores 0.
/// Output: float32, a scalar or `[C]` (`none`).
public struct AUROCFormula: MacroAveragedCurveFormula {
    /// `binary_auroc` (with `max_fpr`), `multiclass_auroc`, `multilabel_auroc` (with `average`); higher is better.
    public static let family = ClassificationFamily("auroc", higherIsBetter: true, summaries: [
        .binary: "area under the ROC curve of binary scores",
        .multiclass: "one-vs-rest area under the ROC curve (macro/weighted/none)",
        .multilabel: "area under the ROC curve of multilabel scores (micro/macro/weighted/none)",
    ]) { CurveOptions.macroAveraged($0, binary: [maxFprSpec]) }

    static let maxFprSpec = OptionSpec("max_fpr", .optional(.double(min: 0, max: 1)), default: .none,
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

    /// The partial-area bound (binary only).
    let maxFpr: Double?
    /// `macro`, `weighted`, `none` or (multilabel) `micro`.
    let average: String

    /// Reads `max_fpr` and `average`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   `max_fpr` is not in (0, 1], as TorchMetrics requires.
    public init(options: MetricOptions, metric: String) throws {
        maxFpr = options.double("max_fpr")
        if let v = maxFpr, !(v > 0) {
            throw MetricError.invalidOption(metric: metric, option: "max_fpr", expected: "None or a number in (0, 1], got \(v)")
        }
        average = CurveOptions.averageName(options)
    }

    /// The binary area, or the per-column areas reduced by `average`
    /// (`micro` pools every column into one curve).
    public func value(of data: CurveData) throws -> MetricValue {
        try data.scoreValue(.roc, average: average, binary: { Self.area($0, maxFpr: maxFpr) }, pooled: { Self.area($0, maxFpr: nil) },
                            column: { Self.area($0, maxFpr: nil) })
    }
}

extension ClassificationMetric where Formula == AUROCFormula {
    /// Binary AUROC, partial up to `maxFpr` when given.
    public convenience init(maxFpr: Double?, thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(count: nil, ["max_fpr": maxFpr.map { .double($0) } ?? .none], thresholds: thresholds, ignoreIndex: ignoreIndex)
    }

    /// Binary AUROC (the whole area).
    public convenience init(thresholds: CurveThresholds = .exact, ignoreIndex: Int? = nil) throws where TaskKind == BinaryTask {
        try self.init(maxFpr: nil, thresholds: thresholds, ignoreIndex: ignoreIndex)
    }
}

/// Area under the ROC curve of binary scores, a float32 scalar (see
/// ``AUROCFormula``); with `max_fpr` the standardised partial area.
public typealias BinaryAUROC = ClassificationMetric<AUROCFormula, BinaryTask>

/// One-vs-rest AUROC of multiclass scores, reduced by `average` (see ``AUROCFormula``).
public typealias MulticlassAUROC = ClassificationMetric<AUROCFormula, MulticlassTask>

/// AUROC of multilabel scores, each label's area reduced by `average`
/// (see ``AUROCFormula``). Ignored targets are left out.
public typealias MultilabelAUROC = ClassificationMetric<AUROCFormula, MultilabelTask>

