import Foundation
import VernierTensor

// The fused counting passes of the classification engine. Each batch is read
// once: predictions are turned into labels (argmax, top-k, threshold) and
// counted in the same loop, chunk by chunk across cores. Nothing is written
// back per element; chunk results are combined in chunk order, so counts are
// deterministic. Invalid values are recorded (first one seen) rather than
// thrown from inside the loop; the caller throws before touching any state.

/// Zero-initialised Int64 counters shared by the chunks of one pass.
///
/// Chunks write disjoint slots (their own rows), which is why the class can
/// be handed to concurrent tasks.
final class CountBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int64>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { base.deallocate() }

    var values: [Int64] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Adds `other` slot by slot (both of the same size).
    func add(_ other: CountBuffer) {
        for i in 0..<count { base[i] &+= other.base[i] }
    }
}

/// The first invalid target and prediction values met by a pass.
struct InvalidValues {
    var target: Int64?
    var prediction: Int64?

    mutating func merge(_ o: InvalidValues) {
        target = target ?? o.target
        prediction = prediction ?? o.prediction
    }
}

// MARK: Multiclass

/// Reads the label a multiclass batch predicts at one position.
protocol MulticlassPredictionReader {
    /// The label predicted at position `x` of sample `s`; `i` is the flat
    /// index of that position in the target, `t` the target label there.
    func label(sample s: Int, position x: Int, index i: Int, target t: Int64) -> Int64
}

/// The index of the largest of `count` scores spaced `stride` apart, with
/// `torch.argmax`'s answer: the first NaN if there is one, else the first of
/// equal maxima.
///
/// The main loop is branch-free (compare and select): with random scores
/// the "new maximum" branch of a plain loop is unpredictable and its misses
/// cost several times the arithmetic. A NaN or infinity turns the running
/// `v - v` probe into NaN; such rows are redone by the exact scalar loop.
@inline(__always)
func argmaxIndex<T: FloatElement>(_ first: UnsafePointer<T>, count: Int, stride: Int) -> Int {
    var bestValue = first.pointee
    var best = 0
    var probe = bestValue - bestValue
    for k in 1..<count {
        let v = first[k * stride]
        probe += v - v
        let greater = v > bestValue
        bestValue = greater ? v : bestValue
        best = greater ? k : best
    }
    return probe == 0 ? best : exactArgmaxIndex(first, count: count, stride: stride)
}

/// `argmaxIndex` for rows holding NaN or infinities.
@inline(never)
func exactArgmaxIndex<T: FloatElement>(_ first: UnsafePointer<T>, count: Int, stride: Int) -> Int {
    var bestValue = first.pointee
    if bestValue.isNaN { return 0 }
    var best = 0
    for k in 1..<count {
        let v = first[k * stride]
        if v.isNaN { return k }
        if v > bestValue {
            best = k
            bestValue = v
        }
    }
    return best
}

/// Argmax over the class axis of `(N, C, X)` scores (see ``argmaxIndex(_:count:stride:)``).
struct ArgmaxReader<T: FloatElement>: MulticlassPredictionReader {
    let scores: UnsafePointer<T>
    let classes: Int
    let inner: Int

    @inline(__always)
    func label(sample s: Int, position x: Int, index i: Int, target t: Int64) -> Int64 {
        Int64(argmaxIndex(scores + (s * classes * inner + x), count: classes, stride: inner))
    }
}

/// Argmax over contiguous `(N, C)` rows: ``ArgmaxReader`` with the stride
/// fixed at 1, so the compiler sees unit-stride loads.
struct ArgmaxRowReader<T: FloatElement>: MulticlassPredictionReader {
    let scores: UnsafePointer<T>
    let classes: Int

    @inline(__always)
    func label(sample s: Int, position x: Int, index i: Int, target t: Int64) -> Int64 {
        Int64(argmaxIndex(scores + s * classes, count: classes, stride: 1))
    }
}

/// TorchMetrics' top-k rule: the target label when its score is among the
/// `k` highest of the position, the argmax otherwise. Order: NaN first, then
/// descending score; equal scores (and several NaNs) rank by class index.
/// `torch.topk` leaves the order of ties and of several NaNs unspecified, so
/// only such rows can differ from TorchMetrics.
struct TopKReader<T: FloatElement>: MulticlassPredictionReader {
    let scores: UnsafePointer<T>
    let classes: Int
    let inner: Int
    let k: Int

    @inline(__always)
    func label(sample s: Int, position x: Int, index i: Int, target t: Int64) -> Int64 {
        let c = classes
        let first = scores + (s * c * inner + x)
        let fallback = Int64(argmaxIndex(first, count: c, stride: inner))
        guard t >= 0 && t < Int64(c) else { return fallback }
        let ti = Int(t)
        let tv = first[ti * inner]
        var ahead = 0
        for j in 0..<c where j != ti {
            let v = first[j * inner]
            let before = tv.isNaN ? (v.isNaN && j < ti) : (v.isNaN || v > tv || (v == tv && j < ti))
            if before { ahead += 1 }
        }
        return ahead < k ? t : fallback
    }
}

/// Integer class labels, one per position.
struct LabelReader: MulticlassPredictionReader {
    let labels: UnsafePointer<Int64>

    @inline(__always)
    func label(sample s: Int, position x: Int, index i: Int, target t: Int64) -> Int64 { labels[i] }
}

/// Accumulates (target, prediction) label pairs of valid, non-ignored positions.
protocol MulticlassTally {
    mutating func beginSample(_ s: Int)
    mutating func count(target t: Int, prediction p: Int)
    mutating func endSample(_ s: Int)
}

/// Per-class counts laid out per row as `[tp(C), predicted(C), actual(C), total]`:
/// one row per chunk (global) or one per sample in a shared buffer (samplewise).
struct ClassCountTally: MulticlassTally {
    let buffer: CountBuffer
    let classes: Int
    let perSample: Bool
    var row: UnsafeMutablePointer<Int64>

    init(buffer: CountBuffer, classes: Int, perSample: Bool) {
        self.buffer = buffer
        self.classes = classes
        self.perSample = perSample
        row = buffer.base
    }

    static func rowWidth(_ classes: Int) -> Int { 3 * classes + 1 }

    @inline(__always)
    mutating func beginSample(_ s: Int) {
        if perSample { row = buffer.base + s * Self.rowWidth(classes) }
    }

    @inline(__always)
    mutating func count(target t: Int, prediction p: Int) {
        row[t] &+= t == p ? 1 : 0
        row[classes + p] &+= 1
        row[2 * classes + t] &+= 1
        row[3 * classes] &+= 1
    }

    @inline(__always)
    mutating func endSample(_ s: Int) {}
}

/// A `C x C` confusion matrix (rows: target, columns: prediction) per chunk.
struct ConfusionTally: MulticlassTally {
    let buffer: CountBuffer
    let classes: Int

    @inline(__always) mutating func beginSample(_ s: Int) {}

    @inline(__always)
    mutating func count(target t: Int, prediction p: Int) { buffer.base[t * classes + p] &+= 1 }

    @inline(__always) mutating func endSample(_ s: Int) {}
}

/// Whether every counted position of a sample is predicted right: a count
/// per chunk (global) or a 0/1 per sample in a shared buffer (samplewise).
struct ExactMatchTally: MulticlassTally {
    let buffer: CountBuffer?
    var correct: Int64 = 0
    var allRight = true

    @inline(__always) mutating func beginSample(_ s: Int) { allRight = true }

    @inline(__always)
    mutating func count(target t: Int, prediction p: Int) { allRight = allRight && t == p }

    @inline(__always)
    mutating func endSample(_ s: Int) {
        if let buffer { buffer.base[s] = allRight ? 1 : 0 } else { correct &+= allRight ? 1 : 0 }
    }
}

enum ClassificationKernels {
    /// Samples per parallel task so that a task covers enough elements.
    static func samplesPerTask(elementsPerSample: Int) -> Int {
        Swift.max(1, Parallelism.minimumElementsPerTask / Swift.max(1, elementsPerSample))
    }

    /// One position of a multiclass pass: read the prediction, check it,
    /// skip an ignored target, check the target, count the pair.
    @inline(__always)
    static func visit<R: MulticlassPredictionReader, T: MulticlassTally>(
        _ reader: R, _ tally: inout T, _ invalid: inout InvalidValues, target: UnsafePointer<Int64>,
        sample s: Int, position x: Int, index i: Int, limit: UInt64, ignore: Int64?
    ) {
        let t = target[i]
        let p = reader.label(sample: s, position: x, index: i, target: t)
        if UInt64(bitPattern: p) >= limit {
            if invalid.prediction == nil { invalid.prediction = p }
            return
        }
        if let ignore, t == ignore { return }
        if UInt64(bitPattern: t) >= limit {
            if invalid.target == nil { invalid.target = t }
            return
        }
        tally.count(target: Int(t), prediction: Int(p))
    }

    /// One pass over a multiclass batch of `samples x inner` positions: the
    /// reader gives each prediction, positions whose target is `ignore` are
    /// skipped, valid pairs go to the chunk's tally. A prediction outside
    /// `[0, classes)` is invalid wherever it is; a target outside it is
    /// invalid unless ignored.
    ///
    /// With `bySample` false the tally must not need sample boundaries
    /// (global counts): the positions are then split evenly across chunks,
    /// so a batch of a few large samples (segmentation maps) still uses
    /// every core.
    ///
    /// `tallyCells` is the size of a per-chunk tally: a chunk is never given
    /// fewer positions than that, so a large confusion matrix is not
    /// allocated, zeroed and merged once per core for a small batch.
    static func scanMulticlass<R: MulticlassPredictionReader, T: MulticlassTally>(
        _ reader: R, target: UnsafePointer<Int64>, samples: Int, inner: Int, classes: Int, ignore: Int64?,
        elementsPerSample: Int, bySample: Bool, tallyCells: Int = 0, makeTally: () -> T
    ) -> (tallies: [T], invalid: InvalidValues) {
        let limit = UInt64(classes)
        if !bySample && inner > 1 {
            let perPosition = Swift.max(1, elementsPerSample / inner)
            let positionsPerTask = Swift.max(samplesPerTask(elementsPerSample: perPosition), tallyCells)
            let parts = Parallelism.mapChunks(samples * inner, minimumPerTask: positionsPerTask,
                                              initial: (T?.none, InvalidValues())) { range in
                var tally = makeTally()
                var invalid = InvalidValues()
                var s = range.lowerBound / inner, x = range.lowerBound % inner
                for i in range {
                    visit(reader, &tally, &invalid, target: target, sample: s, position: x, index: i, limit: limit, ignore: ignore)
                    x += 1
                    if x == inner {
                        x = 0
                        s += 1
                    }
                }
                return (tally, invalid)
            }
            var invalid = InvalidValues()
            for part in parts { invalid.merge(part.1) }
            return (parts.compactMap(\.0), invalid)
        }
        let samplesPerChunk = Swift.max(samplesPerTask(elementsPerSample: elementsPerSample), tallyCells / Swift.max(inner, 1))
        let parts = Parallelism.mapChunks(samples, minimumPerTask: samplesPerChunk, initial: (T?.none, InvalidValues())) { range in
            var tally = makeTally()
            var invalid = InvalidValues()
            for s in range {
                tally.beginSample(s)
                let rowStart = s * inner
                for x in 0..<inner {
                    visit(reader, &tally, &invalid, target: target, sample: s, position: x, index: rowStart + x, limit: limit, ignore: ignore)
                }
                tally.endSample(s)
            }
            return (tally, invalid)
        }
        var invalid = InvalidValues()
        for part in parts { invalid.merge(part.1) }
        return (parts.compactMap(\.0), invalid)
    }
}

// MARK: Binary and multilabel

/// Reads one thresholded prediction: 1 for positive, 0 for negative, or an
/// integer label as given (the caller rejects anything but 0 and 1).
protocol BinaryPredictionReader {
    func value(_ i: Int) -> Int64
}

/// Probabilities: positive when `p > threshold`, compared in the element's precision.
struct ProbabilityReader<T: FloatElement>: BinaryPredictionReader {
    let preds: UnsafePointer<T>
    let threshold: T

    @inline(__always)
    func value(_ i: Int) -> Int64 { preds[i] > threshold ? 1 : 0 }
}

/// Logits: positive when `sigmoid(x) > threshold`; the sigmoid is rounded to
/// the element's precision before the comparison, as the probability would be.
struct LogitReader<T: FloatElement>: BinaryPredictionReader {
    let preds: UnsafePointer<T>
    let threshold: T

    @inline(__always)
    func value(_ i: Int) -> Int64 {
        let x = preds[i].doubleValue
        return T(fromDouble: 1 / (1 + Foundation.exp(-x))) > threshold ? 1 : 0
    }
}

/// Integer 0/1 labels.
struct BinaryLabelReader: BinaryPredictionReader {
    let labels: UnsafePointer<Int64>

    @inline(__always)
    func value(_ i: Int) -> Int64 { labels[i] }
}

/// Counts of one run of binary positions: true positives, predicted
/// positives, actual positives, positions counted (not ignored).
struct BinaryRunCounts {
    var tp: Int64 = 0, predicted: Int64 = 0, actual: Int64 = 0, counted: Int64 = 0

    mutating func add(_ o: BinaryRunCounts) {
        tp &+= o.tp; predicted &+= o.predicted; actual &+= o.actual; counted &+= o.counted
    }
}

extension ClassificationKernels {
    /// Counts the positions `range` of a binary run without branches: the
    /// 0/1 checks are OR-ed into flags, and only when a flag is set is the
    /// run scanned again for the first invalid value (the error path).
    @inline(__always)
    static func countRun<R: BinaryPredictionReader>(_ reader: R, _ target: UnsafePointer<Int64>, _ range: Range<Int>, ignore: Int64?,
                                                    _ invalid: inout InvalidValues) -> BinaryRunCounts {
        var c = BinaryRunCounts()
        var badPrediction: UInt64 = 0, badTarget: UInt64 = 0
        if let ignored = ignore {
            for i in range {
                let p = reader.value(i), t = target[i]
                let keep: Int64 = t == ignored ? 0 : -1
                badPrediction |= UInt64(bitPattern: p) >> 1
                badTarget |= UInt64(bitPattern: t & keep) >> 1
                c.tp &+= p & t & keep
                c.predicted &+= p & keep
                c.actual &+= t & keep
                c.counted &+= keep & 1
            }
        } else {
            for i in range {
                let p = reader.value(i), t = target[i]
                badPrediction |= UInt64(bitPattern: p) >> 1
                badTarget |= UInt64(bitPattern: t) >> 1
                c.tp &+= p & t
                c.predicted &+= p
                c.actual &+= t
            }
            c.counted = Int64(range.count)
        }
        if badPrediction | badTarget != 0 {
            for i in range {
                let p = reader.value(i), t = target[i]
                if UInt64(bitPattern: p) > 1 && invalid.prediction == nil { invalid.prediction = p }
                if UInt64(bitPattern: t) > 1 && t != ignore && invalid.target == nil { invalid.target = t }
            }
        }
        return c
    }

    /// Counts per (row, label) of a `(samples, labels, inner)` batch, laid out
    /// `[tp, predicted positive, actual positive, counted]`: one row (global)
    /// or one per sample. Ignored targets are skipped; a prediction other
    /// than 0/1 is invalid wherever it is, a target only where not ignored.
    static func scanThresholded<R: BinaryPredictionReader>(
        _ reader: R, target: UnsafePointer<Int64>, samples: Int, labels: Int, inner: Int, ignore: Int64?, perSample: Bool
    ) -> (counts: [Int64], invalid: InvalidValues) {
        if !perSample && labels == 1 {
            // Hot path: one label, global: the whole batch is one run of elements.
            let parts = Parallelism.mapChunks(samples * inner, initial: (BinaryRunCounts(), InvalidValues())) { range in
                var invalid = InvalidValues()
                let c = countRun(reader, target, range, ignore: ignore, &invalid)
                return (c, invalid)
            }
            var total = BinaryRunCounts()
            var invalid = InvalidValues()
            for part in parts {
                total.add(part.0)
                invalid.merge(part.1)
            }
            return ([total.tp, total.predicted, total.actual, total.counted], invalid)
        }
        let width = labels * 4
        let shared = perSample ? CountBuffer(count: samples * width) : nil
        let parts = Parallelism.mapChunks(samples, minimumPerTask: samplesPerTask(elementsPerSample: labels * inner),
                                          initial: (CountBuffer?.none, InvalidValues())) { range in
            let buffer = shared ?? CountBuffer(count: width)
            var invalid = InvalidValues()
            for s in range {
                let row = shared == nil ? buffer.base : buffer.base + s * width
                for l in 0..<labels {
                    let start = (s * labels + l) * inner
                    let c = countRun(reader, target, start..<(start + inner), ignore: ignore, &invalid)
                    row[l * 4] &+= c.tp
                    row[l * 4 + 1] &+= c.predicted
                    row[l * 4 + 2] &+= c.actual
                    row[l * 4 + 3] &+= c.counted
                }
            }
            return (shared == nil ? buffer : nil, invalid)
        }
        var invalid = InvalidValues()
        for part in parts { invalid.merge(part.1) }
        if let shared { return (shared.values, invalid) }
        let total = CountBuffer(count: width)
        for part in parts { if let b = part.0 { total.add(b) } }
        return (total.values, invalid)
    }

    /// Multilabel exact match over a `(samples, labels, inner)` batch: a
    /// position (sample, x) is right when every label there is predicted
    /// right or ignored. Returns per row (one row global, one per sample) the
    /// positions that are right and the positions counted.
    static func scanMultilabelExactMatch<R: BinaryPredictionReader>(
        _ reader: R, target: UnsafePointer<Int64>, samples: Int, labels: Int, inner: Int, ignore: Int64?, perSample: Bool
    ) -> (correct: [Int64], total: [Int64], invalid: InvalidValues) {
        let hasIgnore = ignore != nil
        let ignored = ignore ?? 0
        let shared = perSample ? CountBuffer(count: samples) : nil
        let parts = Parallelism.mapChunks(samples, minimumPerTask: samplesPerTask(elementsPerSample: labels * inner),
                                          initial: (Int64(0), InvalidValues())) { range in
            var correct: Int64 = 0
            var invalid = InvalidValues()
            for s in range {
                var rowCorrect: Int64 = 0
                for x in 0..<inner {
                    var right = true
                    for l in 0..<labels {
                        let i = (s * labels + l) * inner + x
                        let p = reader.value(i)
                        if UInt64(bitPattern: p) > 1 {
                            if invalid.prediction == nil { invalid.prediction = p }
                            continue
                        }
                        let t = target[i]
                        if hasIgnore && t == ignored { continue }
                        if UInt64(bitPattern: t) > 1 {
                            if invalid.target == nil { invalid.target = t }
                            continue
                        }
                        right = right && p == t
                    }
                    rowCorrect &+= right ? 1 : 0
                }
                if let shared { shared.base[s] = rowCorrect } else { correct &+= rowCorrect }
            }
            return (correct, invalid)
        }
        var invalid = InvalidValues()
        for part in parts { invalid.merge(part.1) }
        if let shared { return (shared.values, [Int64](repeating: Int64(inner), count: samples), invalid) }
        return ([parts.reduce(0) { $0 &+ $1.0 }], [Int64(samples * inner)], invalid)
    }

    /// The smallest and largest non-NaN preds, and whether any is NaN, over
    /// the positions whose target is not `ignore`.
    static func valueRange<T: FloatElement>(_ preds: UnsafePointer<T>, target: UnsafePointer<Int64>, count: Int, ignore: Int64) -> (min: Double, max: Double, hasNaN: Bool) {
        let parts = Parallelism.mapChunks(count, initial: (Double.infinity, -Double.infinity, false)) { range in
            var lo = T.infinity, hi = -T.infinity, nan = false
            for i in range where target[i] != ignore {
                let v = preds[i]
                if v.isNaN { nan = true } else {
                    lo = Swift.min(lo, v)
                    hi = Swift.max(hi, v)
                }
            }
            return (lo.doubleValue, hi.doubleValue, nan)
        }
        return parts.reduce((Double.infinity, -Double.infinity, false)) { (Swift.min($0.0, $1.0), Swift.max($0.1, $1.1), $0.2 || $1.2) }
    }
}
