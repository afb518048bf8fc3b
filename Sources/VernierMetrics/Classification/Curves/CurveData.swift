import VernierCore
import VernierTensor

/// One curve: two coordinate arrays and the thresholds they were taken at.
///
/// Coordinates are float32 values computed like TorchMetrics computes them
/// (`Float(count) / Float(count)`), so that decisions taken on them
/// (`>= min_recall`, argmin, ...) match; sums over them (areas) are
/// accumulated in float64.
struct Curve {
    /// fpr (ROC) or precision (PR).
    var x: [Float]
    /// tpr (ROC) or recall (PR).
    var y: [Float]
    /// The thresholds, exact in Double.
    var thresholds: [Double]
    /// The dtype threshold outputs take (the scores' dtype; float32 when binned).
    var dtype: DType
    /// The number of positive targets behind the curve (the `weighted` average's weight).
    var positives: Double

    /// `[x, y, thresholds]` as tensors.
    var value: MetricValue {
        .list([.tensor(Tensor(x)), .tensor(Tensor(y)), .tensor(Tensor(thresholds).cast(dtype))])
    }
}

/// Which curve a metric is built on.
enum CurveKind {
    /// `[fpr, tpr, thresholds]`, thresholds descending.
    case roc
    /// `[precision, recall, thresholds]`, thresholds ascending, with the final
    /// point (precision 1, recall 0) that has no threshold.
    case pr
}

/// The accumulated data of a curve metric, read from its states for compute:
/// the kept scores and targets (exact mode) or the per-threshold counts
/// (binned mode).
public struct CurveData {
    let cfg: CurveConfig
    let metric: String
    let scores: [Tensor]
    let targets: [Tensor]
    let confmat: [Int64]

    init(_ state: MetricState, _ cfg: CurveConfig, metric: String) {
        self.cfg = cfg
        self.metric = metric
        if cfg.isExact {
            scores = state.list("preds")
            targets = state.list("target")
            confmat = []
        } else {
            scores = []
            targets = []
            confmat = state["confmat"].toArray(Int64.self)
        }
    }

    /// The number of columns (1 binary, else classes or labels).
    var columns: Int { cfg.task == .binary ? 1 : cfg.numClasses }

    // MARK: Exact mode

    /// The counts of the binary problem of column `col` (nil: every column
    /// pooled, the micro average).
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the problem has no
    ///   sample at all (nothing was fed, or every target was ignored).
    func clfCurve(_ col: Int?) throws -> ClfCurve {
        let (positives, negatives, allZero) = scores.contains { $0.dtype == .float64 } ? gather(Double.self, col) : gather(Float.self, col)
        if positives.count + negatives.count == 0 {
            let which = col.map { cfg.task == .binary ? "" : " for \(cfg.task == .multiclass ? "class" : "label") \($0)" } ?? ""
            throw MetricError.failed(metric: metric, detail: "no samples to compute on\(which): every batch was empty or every target was ignored")
        }
        return try ClfCurve(positiveScores: positives, negativeScores: negatives, allTargetsZero: allZero)
    }

    /// The scores of the positive and of the negative samples of the binary
    /// problem of column `col` (nil: every column pooled), and whether every
    /// target value was 0.
    private func gather<S: FloatElement>(_: S.Type, _ col: Int?) -> (Tensor, Tensor, Bool) {
        let k = columns
        let capacity = scores.reduce(0) { $0 + $1.count } / (col == nil ? 1 : k)
        var allZero = true
        var negatives: [S] = []
        // Written in place into buffers of the largest possible size: this pass feeds 4M-element sorts.
        let positives = [S](unsafeUninitializedCapacity: capacity) { pos, posCount in
            negatives = [S](unsafeUninitializedCapacity: capacity) { neg, negCount in
                var p = 0, n = 0
                for (s, y) in zip(scores, targets) {
                    s.cast(S.dtype).withUnsafeBuffer(as: S.self) { sp in
                        @inline(__always) func add(_ v: S, _ positive: Bool) {
                            if positive { pos[p] = v; p += 1 } else { neg[n] = v; n += 1 }
                        }
                        switch cfg.task {
                        case .binary:
                            y.withUnsafeBuffer(as: UInt8.self) { yp in
                                for i in sp.indices { add(sp[i], yp[i] == 1) }
                            }
                        case .multiclass:
                            y.cast(.int32).withUnsafeBuffer(as: Int32.self) { yp in
                                for r in yp.indices {
                                    let label = Int(yp[r])
                                    if let col {
                                        add(sp[r * k + col], label == col)
                                        if label != 0 { allZero = false }
                                    } else {
                                        for c in 0..<k { add(sp[r * k + c], label == c) }
                                    }
                                }
                            }
                        case .multilabel:
                            y.withUnsafeBuffer(as: UInt8.self) { yp in
                                let cols = col.map { $0..<($0 + 1) } ?? 0..<k
                                for r in 0..<(yp.count / k) {
                                    for c in cols where yp[r * k + c] != CurveConfig.ignoredTarget {
                                        add(sp[r * k + c], yp[r * k + c] == 1)
                                    }
                                }
                            }
                        }
                    }
                }
                posCount = p
                negCount = n
            }
        }
        // Binary and multilabel targets are 0/1, so "every target is 0" means no positive;
        // multiclass labels were checked above (one-hot micro targets always hold a 1).
        if cfg.task != .multiclass || col == nil { allZero = positives.isEmpty }
        return (Tensor(positives), Tensor(negatives), allZero)
    }

    // MARK: Binned mode

    /// Per threshold (option order) the counts `(tp, fp, tn, fn)` of column
    /// `col` (nil: summed over columns).
    func binnedCounts(_ col: Int?) -> [(tp: Int64, fp: Int64, tn: Int64, fn: Int64)] {
        let k = columns
        let cols = col.map { [$0] } ?? Array(0..<k)
        return (0..<(cfg.thresholds?.count ?? 0)).map { j in
            var tp: Int64 = 0, fp: Int64 = 0, tn: Int64 = 0, fn: Int64 = 0
            for c in cols {
                let cell = (j * k + c) * 4
                tn += confmat[cell]; fp += confmat[cell + 1]; fn += confmat[cell + 2]; tp += confmat[cell + 3]
            }
            return (tp, fp, tn, fn)
        }
    }

    // MARK: Curves

    /// The curve of column `col` (nil: the micro average over columns).
    func curve(_ kind: CurveKind, _ col: Int?) throws -> Curve {
        if let thresholds = cfg.thresholds {
            let counts = binnedCounts(col)
            let thr = thresholds.map(Double.init)
            let support = counts.first.map { Double($0.tp + $0.fn) } ?? 0
            switch kind {
            case .roc:
                let tpr = counts.map { $0.tp + $0.fn == 0 ? 0 : Float($0.tp) / Float($0.tp + $0.fn) }
                let fpr = counts.map { $0.fp + $0.tn == 0 ? 0 : Float($0.fp) / Float($0.fp + $0.tn) }
                return Curve(x: fpr.reversed(), y: tpr.reversed(), thresholds: thr.reversed(), dtype: .float32, positives: support)
            case .pr:
                // 0/0 is NaN here, as TorchMetrics' zero_division="nan".
                let precision = counts.map { Float($0.tp) / Float($0.tp + $0.fp) } + [1]
                let recall = counts.map { Float($0.tp) / Float($0.tp + $0.fn) } + [0]
                return Curve(x: precision, y: recall, thresholds: thr, dtype: .float32, positives: support)
            }
        }
        let c = try clfCurve(col)
        switch kind {
        case .roc:
            let neg = c.negatives, pos = c.positives
            let fpr = [Float(0)] + c.fps.map { neg == 0 ? 0 : Float($0) / Float(neg) }
            let tpr = [Float(0)] + c.tps.map { pos == 0 ? 0 : Float($0) / Float(pos) }
            return Curve(x: fpr, y: tpr, thresholds: [1] + c.thresholds, dtype: c.dtype, positives: Double(pos))
        case .pr:
            let n = c.thresholds.count
            var precision = [Float](repeating: 1, count: n + 1), recall = [Float](repeating: 0, count: n + 1)
            for i in 0..<n {
                let j = n - 1 - i
                precision[i] = Float(c.tps[j]) / Float(c.tps[j] + c.fps[j])
                // TorchMetrics sets recall to 1 when every target is 0; otherwise 0/0 stays NaN.
                recall[i] = c.allTargetsZero ? 1 : Float(c.tps[j]) / Float(c.positives)
            }
            return Curve(x: precision, y: recall, thresholds: c.thresholds.reversed(), dtype: c.dtype, positives: Double(c.positives))
        }
    }

    /// One curve per column (binary: one).
    func curves(_ kind: CurveKind) throws -> [Curve] {
        try (0..<columns).map { try curve(kind, $0) }
    }

    /// Per-column curves as the metric's output: a list of `[x, y, thresholds]`
    /// per column in exact mode; in binned mode (shared thresholds) TorchMetrics'
    /// stacked form `[x [K, T'], y [K, T'], thresholds [T]]`.
    func perColumnValue(_ curves: [Curve]) -> MetricValue {
        if cfg.isExact { return .list(curves.map(\.value)) }
        let width = curves.first?.x.count ?? 0
        let xs = Tensor(curves.flatMap(\.x), shape: [curves.count, width])
        let ys = Tensor(curves.flatMap(\.y), shape: [curves.count, width])
        let thr = Tensor(curves.first?.thresholds ?? []).cast(.float32)
        return .list([.tensor(xs), .tensor(ys), .tensor(thr)])
    }
}

/// Curve arithmetic shared by the family (TorchMetrics' `interp`, `auc`, macro-averaged curves).
enum CurveMath {
    /// The trapezoidal area under `y(x)` (`torch.trapz`), in float64.
    static func area(x: [Float], y: [Float]) -> Double {
        var s = 0.0
        for i in 0..<(Swift.max(x.count, 1) - 1) {
            s += (Double(x[i + 1]) - Double(x[i])) * (Double(y[i + 1]) + Double(y[i]))
        }
        return s / 2
    }

    /// Linear interpolation of `(xp, fp)` at `x`, with TorchMetrics' rule for
    /// choosing the segment: the one starting at the `k`-th point, `k` the
    /// number of `xp` values `<= x` minus one, clamped to the segments. (For an
    /// increasing `xp` that is ordinary interpolation, extrapolating at the
    /// ends; it also defines a value for a non-monotone `xp`, like precision.)
    /// A vertical segment has slope 0. NaN in `x` or `xp` gives NaN where it is used.
    static func interpolate(_ x: [Float], _ xp: [Float], _ fp: [Float]) -> [Double] {
        guard xp.count >= 2 else { return x.map { _ in fp.first.map(Double.init) ?? .nan } }
        let segments = xp.count - 1
        var slope = [Double](repeating: 0, count: segments), intercept = slope
        for i in 0..<segments {
            let dx = Double(xp[i + 1]) - Double(xp[i])
            slope[i] = dx != 0 ? (Double(fp[i + 1]) - Double(fp[i])) / dx : 0
            intercept[i] = Double(fp[i]) - slope[i] * Double(xp[i])
        }
        let sortedXp = xp.filter { !$0.isNaN }.sorted()
        return x.map { v in
            var lo = 0, hi = sortedXp.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if sortedXp[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            let k = Swift.min(Swift.max(lo - 1, 0), segments - 1)
            return slope[k] * Double(v) + intercept[k]
        }
    }

    /// The macro-averaged curve of several (TorchMetrics' `average="macro"`
    /// for multiclass ROC and PR curves): every curve's points pooled and
    /// sorted (ROC: fpr ascending, thresholds descending; PR: precision
    /// ascending, thresholds ascending; NaN last), and at each pooled x the
    /// mean over curves of their interpolated y.
    static func macroAverage(_ curves: [Curve], _ kind: CurveKind) -> Curve {
        let xs = sortedNaNLast(curves.flatMap(\.x))
        var thr = curves.flatMap(\.thresholds).sorted()
        if kind == .roc { thr.reverse() }
        var mean = [Double](repeating: 0, count: xs.count)
        for c in curves {
            let y = interpolate(xs, c.x, c.y)
            for i in mean.indices { mean[i] += y[i] }
        }
        let n = Double(curves.count)
        return Curve(x: xs, y: mean.map { Float($0 / n) }, thresholds: thr, dtype: curves.first?.dtype ?? .float32,
                     positives: curves.reduce(0) { $0 + $1.positives })
    }

    /// `values` sorted ascending with NaN last (as `torch.sort` orders them).
    static func sortedNaNLast(_ values: [Float]) -> [Float] {
        values.sorted { a, b in !a.isNaN && (b.isNaN || a < b) }
    }

    /// Reduces per-class scores over classes (TorchMetrics' `_reduce_auroc` and
    /// friends): `none` keeps them; otherwise NaN scores are left out, `macro`
    /// is their mean (NaN when none is left), `weighted` their mean weighted by
    /// `weights` normalised over the classes kept (0 when those weights sum to 0).
    static func reduce(_ scores: [Double], average: String, weights: [Double]) -> MetricValue {
        if average == "none" { return .tensor(Tensor(scores.map { Float($0) })) }
        let kept = scores.indices.filter { !scores[$0].isNaN }
        if average == "weighted" {
            let total = kept.reduce(0.0) { $0 + weights[$1] }
            let value = kept.reduce(0.0) { $0 + scores[$1] * (total != 0 ? weights[$1] / total : 0) }
            return .scalar(value)
        }
        let value = kept.isEmpty ? Double.nan : kept.reduce(0.0) { $0 + scores[$1] } / Double(kept.count)
        return .scalar(value)
    }
}
