import VernierCore
import VernierTensor

/// A float score type the curve kernel sorts by the bits of its value.
protocol CurveScore: FloatElement {
    associatedtype SortKey: FixedWidthInteger & UnsignedInteger
    /// An unsigned key whose ascending order is this value's descending order
    /// (NaN excluded; callers map -0 to +0 first so that they tie).
    var descendingKey: SortKey { get }
}

extension Float: CurveScore {
    @inline(__always) var descendingKey: UInt32 {
        let b = bitPattern
        return b & 0x8000_0000 != 0 ? b : ~b & 0x7FFF_FFFF
    }
}

extension Double: CurveScore {
    @inline(__always) var descendingKey: UInt64 {
        let b = bitPattern
        return b & 0x8000_0000_0000_0000 != 0 ? b : ~b & 0x7FFF_FFFF_FFFF_FFFF
    }
}

/// A score and whether its target is positive (1) or negative (0).
struct ScoredTarget<S: CurveScore> {
    var score: S
    var positive: UInt8
}

/// The binary classification curve counts (TorchMetrics' `_binary_clf_curve`):
/// for every distinct score `t`, from the highest down, how many positives
/// (`tps`) and negatives (`fps`) have a score `>= t`.
///
/// Ties are exact: every distinct score is one threshold and all the samples
/// sharing it enter together, whatever order a sort leaves them in.
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

    /// Sorts `entries` by descending score (LSD radix sort on the score bits,
    /// 11-bit digits, passes over constant digits skipped) and accumulates
    /// the counts in one pass.
    ///
    /// This is the project-private sort the curve family uses until the shared
    /// Tensor sort kernels land on main.
    init<S: CurveScore>(sorting entries: inout [ScoredTarget<S>], allTargetsZero: Bool) {
        Self.radixSortDescending(&entries)
        var thr: [Double] = [], tp: [Int] = [], fp: [Int] = []
        var cumTP = 0, cumN = 0
        entries.withUnsafeBufferPointer { e in
            var i = 0
            while i < e.count {
                let v = e[i].score
                while i < e.count && e[i].score == v {
                    cumTP += Int(e[i].positive)
                    cumN += 1
                    i += 1
                }
                thr.append(v.doubleValue)
                tp.append(cumTP)
                fp.append(cumN - cumTP)
            }
        }
        thresholds = thr
        dtype = S.dtype
        tps = tp
        fps = fp
        self.allTargetsZero = allTargetsZero
    }

    static func radixSortDescending<S: CurveScore>(_ a: inout [ScoredTarget<S>]) {
        let n = a.count
        guard n > 1 else { return }
        let digitBits = 11, buckets = 1 << digitBits
        let passes = (S.SortKey.bitWidth + digitBits - 1) / digitBits
        var hist = [Int](repeating: 0, count: passes * buckets)
        a.withUnsafeBufferPointer { src in
            hist.withUnsafeMutableBufferPointer { h in
                for e in src {
                    let k = e.score.descendingKey
                    for p in 0..<passes { h[p * buckets + Int(truncatingIfNeeded: k >> (p * digitBits)) & (buckets - 1)] += 1 }
                }
            }
        }
        var scratch = [ScoredTarget<S>](unsafeUninitializedCapacity: n) { _, count in count = n }
        a.withUnsafeMutableBufferPointer { front in
            scratch.withUnsafeMutableBufferPointer { back in
                hist.withUnsafeMutableBufferPointer { h in
                    var from = front, to = back
                    for p in 0..<passes {
                        let base = p * buckets
                        if h[base..<(base + buckets)].contains(n) { continue }
                        var offset = 0
                        for b in 0..<buckets {
                            let c = h[base + b]
                            h[base + b] = offset
                            offset += c
                        }
                        let shift = p * digitBits
                        for e in from {
                            let d = base + Int(truncatingIfNeeded: e.score.descendingKey >> shift) & (buckets - 1)
                            to[h[d]] = e
                            h[d] += 1
                        }
                        swap(&from, &to)
                    }
                    if from.baseAddress != front.baseAddress {
                        front.baseAddress!.update(from: from.baseAddress!, count: n)
                    }
                }
            }
        }
    }
}

/// The binned update of the curve family: per threshold (and class), the
/// confusion counts of `score >= threshold`, in TorchMetrics' `confmat`
/// layout `[T, (K,) 2, 2]` = `[[tn, fp], [fn, tp]]`.
///
/// Each score is placed once, by binary search, among the sorted thresholds;
/// per-bucket counts are then summed from the top, so the cost is
/// `O(M·K·log T + T·K)` whatever the number of thresholds.
enum BinnedCounts {
    /// The confusion counts of one formatted batch.
    static func confusion(_ batch: CurveBatch, thresholds: [Float], _ cfg: CurveConfig) -> Tensor {
        let t = thresholds.count
        let k = cfg.task == .binary ? 1 : cfg.numClasses
        let order = thresholds.indices.sorted { thresholds[$0] < thresholds[$1] }
        let sorted = order.map { Double(thresholds[$0]) }
        // hist[(col * (t + 1) + bucket) * 2 + positive]: bucket = number of thresholds <= score.
        var hist = [Int64](repeating: 0, count: k * (t + 1) * 2)
        func place<S: FloatElement>(_: S.Type) {
            batch.scores.withUnsafeBuffer(as: S.self) { s in
                hist.withUnsafeMutableBufferPointer { h in
                    func add(_ col: Int, _ score: S, _ positive: Bool) {
                        let v = score.doubleValue
                        var lo = 0, hi = sorted.count
                        while lo < hi {
                            let mid = (lo + hi) >> 1
                            if sorted[mid] <= v { lo = mid + 1 } else { hi = mid }
                        }
                        h[(col * (t + 1) + lo) * 2 + (positive ? 1 : 0)] += 1
                    }
                    switch cfg.task {
                    case .binary:
                        batch.target.withUnsafeBuffer(as: UInt8.self) { y in
                            for i in s.indices { add(0, s[i], y[i] == 1) }
                        }
                    case .multiclass:
                        batch.target.withUnsafeBuffer(as: Int32.self) { y in
                            for r in y.indices {
                                for c in 0..<k { add(c, s[r * k + c], Int(y[r]) == c) }
                            }
                        }
                    case .multilabel:
                        batch.target.withUnsafeBuffer(as: UInt8.self) { y in
                            for i in s.indices where y[i] != CurveConfig.ignoredTarget { add(i % k, s[i], y[i] == 1) }
                        }
                    }
                }
            }
        }
        if batch.scores.dtype == .float64 { place(Double.self) } else { place(Float.self) }
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
