import VernierTensor

/// A stable least-significant-digit radix sort on 96-bit keys: the one sort
/// behind rank statistics (Spearman) and behind grouping retrieval queries
/// (query id, then score descending).
///
/// Keys are `(hi, lo)`, compared as one unsigned number; items with equal
/// keys keep their input order. Eight-bit digits; a digit that is the same
/// for every item is skipped, so sorting float32 scores costs at most four
/// passes and a small range of query ids one or two more.
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
        let varyLo = orLo ^ andLo, varyHi = orHi ^ andHi
        // Digits from least to most significant: (word, shift) with word 0 = lo, 1 = hi.
        var digits: [(word: Int, shift: UInt64)] = []
        for d in 0..<4 where (varyLo >> (8 * UInt32(d))) & 0xFF != 0 { digits.append((0, UInt64(8 * d))) }
        for d in 0..<8 where (varyHi >> (8 * UInt64(d))) & 0xFF != 0 { digits.append((1, UInt64(8 * d))) }
        guard !digits.isEmpty else { return }

        var counts = [Int](repeating: 0, count: digits.count * 256)
        items.withUnsafeBufferPointer { src in
            counts.withUnsafeMutableBufferPointer { c in
                for it in src {
                    for (k, d) in digits.enumerated() {
                        c[k * 256 + digit(it, d.word, d.shift)] += 1
                    }
                }
            }
        }
        var scratch = [Item](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var inScratch = false
        items.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                var offsets = [Int](repeating: 0, count: 256)
                for (k, d) in digits.enumerated() {
                    var total = 0
                    for v in 0..<256 {
                        offsets[v] = total
                        total += counts[k * 256 + v]
                    }
                    let (src, dst) = inScratch ? (b, a) : (a, b)
                    for it in src {
                        let v = digit(it, d.word, d.shift)
                        dst[offsets[v]] = it
                        offsets[v] += 1
                    }
                    inScratch.toggle()
                }
            }
        }
        if inScratch { items = scratch }
    }

    @inline(__always)
    private static func digit(_ it: Item, _ word: Int, _ shift: UInt64) -> Int {
        word == 0 ? Int((UInt64(it.lo) >> shift) & 0xFF) : Int((it.hi >> shift) & 0xFF)
    }
}

/// Rank statistics built on ``RadixSort``.
enum Ranking {
    /// The 1-based rank of each value, ties sharing the mean of their ranks
    /// (so the ranks always sum to `n(n + 1)/2`); -0 ties with +0.
    ///
    /// - Precondition: no NaN (callers reject it).
    static func averageRanks(_ values: UnsafeBufferPointer<Float>) -> [Double] {
        var items = values.enumerated().map { RadixSort.Item(hi: 0, lo: RadixSort.ascendingKey($1), position: UInt32($0)) }
        RadixSort.sort(&items)
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < items.count {
            var end = start + 1
            while end < items.count && items[end].lo == items[start].lo { end += 1 }
            let rank = Double(start + 1 + end) / 2
            for k in start..<end { ranks[Int(items[k].position)] = rank }
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
