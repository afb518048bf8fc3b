import VernierTensor

/// A stable least-significant-digit radix sort on 96-bit keys: the one sort
/// behind rank statistics (Spearman) and behind grouping retrieval queries
/// (query id, then score descending).
///
/// Keys are `(hi, lo)`, compared as one unsigned number; items with equal
/// keys keep their input order. Eleven-bit digits; a digit that is the same
/// for every item is skipped, so sorting float32 scores costs at most three
/// passes and a range of up to 2^22 query ids one or two more.
///
/// - Complexity: O(n · varying digits), two buffers of n items.
enum RadixSort {
    /// One item: its key and its position in the input.
    struct Item {
        var hi: UInt64
        var lo: UInt32
        var position: UInt32
    }

    /// An unsigned key that orders float32 values ascending, -0 equal to +0
    /// (NaN must be excluded by the caller).
    @inline(__always)
    static func ascendingKey(_ x: Float) -> UInt32 {
        let bits = (x + 0).bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// An unsigned key that orders float32 values descending.
    @inline(__always)
    static func descendingKey(_ x: Float) -> UInt32 { ~ascendingKey(x) }

    static let digitBits: UInt64 = 11
    static let buckets = 1 << 11

    /// One digit: which word (0: lo, 1: hi) and the shift of its lowest bit.
    struct Digit {
        let word: Int
        let shift: UInt64

        @inline(__always)
        func of(_ it: Item) -> Int {
            let w = word == 0 ? UInt64(it.lo) : it.hi
            return Int(truncatingIfNeeded: (w &>> shift) & UInt64(RadixSort.buckets - 1))
        }
    }

    /// Sorts `items` by `(hi, lo)` ascending, stably.
    static func sort(_ items: inout [Item]) {
        let n = items.count
        guard n > 1 else { return }
        precondition(n <= Int(UInt32.max), "RadixSort: more than 2^32 items")
        var orHi: UInt64 = 0, andHi: UInt64 = .max, orLo: UInt32 = 0, andLo: UInt32 = .max
        for it in items {
            orHi |= it.hi; andHi &= it.hi
            orLo |= it.lo; andLo &= it.lo
        }
        let varying = [UInt64(orLo ^ andLo), orHi ^ andHi]
        var digits: [Digit] = []
        for (word, bits) in [(0, UInt64(32)), (1, UInt64(64))] {
            for shift in stride(from: UInt64(0), to: bits, by: Int(digitBits)) where (varying[word] &>> shift) & UInt64(buckets - 1) != 0 {
                digits.append(Digit(word: word, shift: shift))
            }
        }
        guard !digits.isEmpty else { return }

        let counts = UnsafeMutablePointer<Int>.allocate(capacity: digits.count * buckets)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: digits.count * buckets)
        items.withUnsafeBufferPointer { src in
            for (k, d) in digits.enumerated() {
                let c = counts + k * buckets
                for it in src { c[d.of(it)] &+= 1 }
            }
        }
        var scratch = [Item](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var inScratch = false
        items.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                for (k, d) in digits.enumerated() {
                    // Turn the counts into starting offsets, in place.
                    let offsets = counts + k * buckets
                    var total = 0
                    for v in 0..<buckets {
                        let c = offsets[v]
                        offsets[v] = total
                        total &+= c
                    }
                    let (src, dst) = inScratch ? (b, a) : (a, b)
                    let out = dst.baseAddress!
                    for it in src {
                        let v = d.of(it)
                        out[offsets[v]] = it
                        offsets[v] &+= 1
                    }
                    inScratch.toggle()
                }
            }
        }
        if inScratch { items = scratch }
    }
}

/// Rank statistics built on ``RadixSort``.
enum Ranking {
    /// The 1-based rank of each value, ties sharing the mean of their ranks
    /// (so the ranks always sum to `n(n + 1)/2`); -0 ties with +0. Ranked
    /// in float64 with the tensor library's stable argsort, so float64 inputs
    /// that differ below float32 precision stay distinct.
    ///
    /// - Precondition: no NaN (callers reject it).
    static func averageRanks(_ values: [Double]) -> [Double] {
        let order = (try? Tensor(values).argsort())?.toArray(Int64.self) ?? []
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[Int(order[end])] == values[Int(order[start])] { end += 1 }
            let rank = Double(start + 1 + end) / 2
            for k in start..<end { ranks[Int(order[k])] = rank }
            start = end
        }
        return ranks
    }

    /// `body(0), ..., body(n - 1)`, spread over the cores (for a few large, independent jobs).
    static func concurrently<R>(_ n: Int, _ body: (Int) -> R) -> [R] {
        var out = [R?](repeating: nil, count: n)
        out.withUnsafeMutableBufferPointer { slots in
            Parallelism.forEachChunk(n, minimumPerTask: 1) { _, r in
                for i in r { slots[i] = body(i) }
            }
        }
        return out.map { $0! }
    }
}
