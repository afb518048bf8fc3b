import VernierCore
import VernierTensor

/// The binary classification curve counts (TorchMetrics' `_binary_clf_curve`):
/// for every distinct score `t`, from the highest down, how many positives
/// (`tps`) and negatives (`fps`) have a score `>= t`.
///
/// Ties are exact: every distinct score is one threshold and all the samples
/// sharing it enter together (`-0` and `+0` are one score), whatever order
/// the sort leaves them in.
struct ClfCurve {
    /// Distinct scores, descending (exact in Double for float32 and float64 scores).
    var thresholds: [Double]
    /// The dtype of the scores (the dtype of threshold outputs).
    var dtype: DType
    /// Cumulative positives at each threshold.
    var tps: [Int]
    /// Cumulative negatives at each threshold.
    var fps: [Int]
    /// Whether every target value of the source was 0 (TorchMetrics' test for
    /// "no positive samples", which in the multiclass task looks at label 0).
    var allTargetsZero: Bool

    var positives: Int { tps.last ?? 0 }
    var negatives: Int { fps.last ?? 0 }
    var isEmpty: Bool { thresholds.isEmpty }

    /// The counts from the scores of the positive and of the negative
    /// samples (float32 or float64 `[P]` and `[N]`, same dtype, no NaN): each
    /// side sorted descending by the shared stable radix sort, then one merge
    /// pass that takes every distinct score with all its ties from both sides.
    /// (Sorting the two sides apart needs no permutation afterwards, so the
    /// pass reads both sorted arrays in order.)
    init(positiveScores: Tensor, negativeScores: Tensor, allTargetsZero: Bool) throws {
        let pos = try positiveScores.sorted(descending: true), neg = try negativeScores.sorted(descending: true)
        var thr: [Double] = [], tp: [Int] = [], fp: [Int] = []
        func walk<S: FloatElement>(_: S.Type) {
            pos.withUnsafeBuffer(as: S.self) { p in
                neg.withUnsafeBuffer(as: S.self) { n in
                    var i = 0, j = 0
                    while i < p.count || j < n.count {
                        let t = i == p.count ? n[j] : (j == n.count ? p[i] : Swift.max(p[i], n[j]))
                        while i < p.count && p[i] == t { i += 1 }
                        while j < n.count && n[j] == t { j += 1 }
                        thr.append(t.doubleValue)
                        tp.append(i)
                        fp.append(j)
                    }
                }
            }
        }
        if positiveScores.dtype == .float64 { walk(Double.self) } else { walk(Float.self) }
        thresholds = thr
        dtype = positiveScores.dtype
        tps = tp
        fps = fp
        self.allTargetsZero = allTargetsZero
    }
}

/// The binned update of the curve family: per threshold (and class), the
/// confusion counts of `score >= threshold`, in TorchMetrics' `confmat`
/// layout `[T, (K,) 2, 2]` = `[[tn, fp], [fn, tp]]`.
///
/// Each score is placed once among the sorted thresholds (`searchsorted`);
/// per-bucket counts are then summed from the top, so the cost is
/// `O(M·K·log T + T·K)` whatever the number of thresholds.
enum BinnedCounts {
    /// The confusion counts of one formatted batch.
    static func confusion(_ batch: CurveBatch, thresholds: [Float], _ cfg: CurveConfig) throws -> Tensor {
        let t = thresholds.count
        let k = cfg.task == .binary ? 1 : cfg.numClasses
        let order = thresholds.indices.sorted { thresholds[$0] < thresholds[$1] }
        // bucket = the number of thresholds <= score (compared in the scores' precision).
        let buckets = try Tensor(order.map { thresholds[$0] }).searchsorted(batch.scores.flattened(), right: true)
        // hist[(col * (t + 1) + bucket) * 2 + positive]
        var hist = [Int64](repeating: 0, count: k * (t + 1) * 2)
        buckets.withUnsafeBuffer(as: Int64.self) { b in
            hist.withUnsafeMutableBufferPointer { h in
                @inline(__always) func add(_ i: Int, _ col: Int, _ positive: Bool) {
                    h[(col * (t + 1) + Int(b[i])) * 2 + (positive ? 1 : 0)] += 1
                }
                switch cfg.task {
                case .binary:
                    batch.target.withUnsafeBuffer(as: UInt8.self) { y in
                        for i in y.indices { add(i, 0, y[i] == 1) }
                    }
                case .multiclass:
                    batch.target.withUnsafeBuffer(as: Int32.self) { y in
                        for r in y.indices {
                            for c in 0..<k { add(r * k + c, c, Int(y[r]) == c) }
                        }
                    }
                case .multilabel:
                    batch.target.withUnsafeBuffer(as: UInt8.self) { y in
                        for i in y.indices where y[i] != CurveConfig.ignoredTarget { add(i, i % k, y[i] == 1) }
                    }
                }
            }
        }
        var out = [Int64](repeating: 0, count: t * k * 4)
        for c in 0..<k {
            var totalPos: Int64 = 0, totalNeg: Int64 = 0
            for b in 0...t {
                totalNeg += hist[(c * (t + 1) + b) * 2]
                totalPos += hist[(c * (t + 1) + b) * 2 + 1]
            }
            // Walk the sorted thresholds from the highest: a score counts as
            // positive at sorted threshold j when its bucket is above j.
            var predPos: Int64 = 0, tp: Int64 = 0
            for j in stride(from: t - 1, through: 0, by: -1) {
                predPos += hist[(c * (t + 1) + j + 1) * 2] + hist[(c * (t + 1) + j + 1) * 2 + 1]
                tp += hist[(c * (t + 1) + j + 1) * 2 + 1]
                let fp = predPos - tp
                let cell = (order[j] * k + c) * 4
                out[cell] = totalNeg - fp
                out[cell + 1] = fp
                out[cell + 2] = totalPos - tp
                out[cell + 3] = tp
            }
        }
        return Tensor(out, shape: cfg.task == .binary ? [t, 2, 2] : [t, k, 2, 2])
    }
}
