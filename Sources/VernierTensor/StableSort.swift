/// An element that maps to an unsigned integer key whose ascending order is
/// the element's sort order, so sorting keys sorts elements.
///
/// Floats: `-inf < ... < -0.0 == +0.0 < ... < +inf < NaN` (every NaN gets the
/// largest key, and both zeros get one key, so they tie like `==` says).
/// Signed integers flip the sign bit; bool is 0/1.
public protocol SortKeyed: TensorElement {
    /// The unsigned integer type of the key.
    associatedtype SortKey: FixedWidthInteger & UnsignedInteger
    /// The key: `a < b` exactly when `a.sortKey < b.sortKey` (order as described above).
    var sortKey: SortKey { get }
}

extension Float: SortKeyed {
    public var sortKey: UInt32 {
        if isNaN { return .max }
        let bits = (self == 0 ? 0 : self).bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}

extension Double: SortKeyed {
    public var sortKey: UInt64 {
        if isNaN { return .max }
        let bits = (self == 0 ? 0 : self).bitPattern
        return bits & 0x8000_0000_0000_0000 != 0 ? ~bits : bits | 0x8000_0000_0000_0000
    }
}

extension Int64: SortKeyed {
    public var sortKey: UInt64 { UInt64(bitPattern: self) ^ 0x8000_0000_0000_0000 }
}

extension Int32: SortKeyed {
    public var sortKey: UInt32 { UInt32(bitPattern: self) ^ 0x8000_0000 }
}

extension UInt8: SortKeyed {
    public var sortKey: UInt8 { self }
}

extension Bool: SortKeyed {
    public var sortKey: UInt8 { self ? 1 : 0 }
}

/// Stable sorting of unsigned keys carrying a `UInt32` permutation: merge
/// sort for short inputs, LSD radix sort (11-bit digits, passes where every
/// key has the same digit skipped) for long ones.
enum StableSort {
    /// Inputs at least this long use radix sort; below it the radix
    /// histograms cost more than the comparisons they save.
    static let radixThreshold = 512
    /// Elements per task when one long lane is radix sorted in parallel.
    static let parallelChunk = 1 << 18

    /// Scratch space for sorting up to `capacity` keys of type `K`.
    final class Workspace<K: FixedWidthInteger & UnsignedInteger> {
        let capacity: Int
        let keys: UnsafeMutablePointer<K>
        let perm: UnsafeMutablePointer<UInt32>
        let scratchKeys: UnsafeMutablePointer<K>
        let scratchPerm: UnsafeMutablePointer<UInt32>
        let histogram: UnsafeMutablePointer<Int>

        static var digitBits: Int { 8 }
        static var passes: Int { (K.bitWidth + digitBits - 1) / digitBits }

        init(capacity: Int) {
            self.capacity = capacity
            keys = .allocate(capacity: Swift.max(capacity, 1))
            perm = .allocate(capacity: Swift.max(capacity, 1))
            scratchKeys = .allocate(capacity: Swift.max(capacity, 1))
            scratchPerm = .allocate(capacity: Swift.max(capacity, 1))
            histogram = .allocate(capacity: Workspace.passes << Workspace.digitBits)
        }

        deinit {
            keys.deallocate()
            perm.deallocate()
            scratchKeys.deallocate()
            scratchPerm.deallocate()
            histogram.deallocate()
        }

        /// Sorts `keys[0..<n]` ascending, moving `perm[0..<n]` along, stably
        /// (equal keys keep their order). Returns the sorted permutation, which
        /// lives in either `perm` or `scratchPerm`.
        ///
        /// With `parallel`, long inputs split each radix pass over the cores
        /// (for a single lane; many lanes are already sorted in parallel).
        func sort(_ n: Int, parallel: Bool) -> UnsafeMutablePointer<UInt32> {
            if n < StableSort.radixThreshold { return mergeSort(n) }
            let chunks = parallel ? Parallelism.chunkCount(n, minimumPerTask: StableSort.parallelChunk) : 1
            return chunks > 1 ? parallelRadixSort(n, chunks: chunks) : radixSort(n)
        }

        private func mergeSort(_ n: Int) -> UnsafeMutablePointer<UInt32> {
            let run = 16
            var lo = 0
            while lo < n {
                let hi = Swift.min(n, lo + run)
                var i = lo + 1
                while i < hi {
                    let k = keys[i], p = perm[i]
                    var j = i
                    while j > lo && keys[j - 1] > k {
                        keys[j] = keys[j - 1]
                        perm[j] = perm[j - 1]
                        j -= 1
                    }
                    keys[j] = k
                    perm[j] = p
                    i += 1
                }
                lo = hi
            }
            var (sk, sp, dk, dp) = (keys, perm, scratchKeys, scratchPerm)
            var width = run
            while width < n {
                var start = 0
                while start < n {
                    let mid = Swift.min(n, start + width), end = Swift.min(n, start + 2 * width)
                    var a = start, b = mid, o = start
                    while a < mid && b < end {
                        // `<=` takes the left run on ties: that is what keeps the sort stable.
                        if sk[a] <= sk[b] {
                            dk[o] = sk[a]; dp[o] = sp[a]; a += 1
                        } else {
                            dk[o] = sk[b]; dp[o] = sp[b]; b += 1
                        }
                        o += 1
                    }
                    while a < mid { dk[o] = sk[a]; dp[o] = sp[a]; a += 1; o += 1 }
                    while b < end { dk[o] = sk[b]; dp[o] = sp[b]; b += 1; o += 1 }
                    start = end
                }
                swap(&sk, &dk)
                swap(&sp, &dp)
                width *= 2
            }
            return sp
        }

        private func radixSort(_ n: Int) -> UnsafeMutablePointer<UInt32> {
            let bits = Workspace.digitBits, passes = Workspace.passes
            let buckets = 1 << bits
            let mask = K(truncatingIfNeeded: buckets - 1)
            histogram.initialize(repeating: 0, count: passes * buckets)
            for i in 0..<n {
                let k = keys[i]
                for p in 0..<passes {
                    histogram[p * buckets + Int(truncatingIfNeeded: (k &>> K(truncatingIfNeeded: p * bits)) & mask)] += 1
                }
            }
            var (sk, sp, dk, dp) = (keys, perm, scratchKeys, scratchPerm)
            for p in 0..<passes {
                let h = histogram + p * buckets
                let shift = K(truncatingIfNeeded: p * bits)
                if h[Int(truncatingIfNeeded: (sk[0] &>> shift) & mask)] == n { continue }
                var total = 0
                for d in 0..<buckets {
                    let c = h[d]
                    h[d] = total
                    total += c
                }
                for i in 0..<n {
                    let k = sk[i]
                    let d = Int(truncatingIfNeeded: (k &>> shift) & mask)
                    let o = h[d]
                    h[d] = o + 1
                    dk[o] = k
                    dp[o] = sp[i]
                }
                swap(&sk, &dk)
                swap(&sp, &dp)
            }
            return sp
        }

        /// ``radixSort(_:)`` with every pass split into `chunks` contiguous
        /// chunks: each chunk counts its digits, and chunk `t`'s keys with
        /// digit `d` are placed after those of chunks `0..<t` with digit `d`,
        /// so the order is exactly the serial, stable one.
        private func parallelRadixSort(_ n: Int, chunks: Int) -> UnsafeMutablePointer<UInt32> {
            let bits = Workspace.digitBits, passes = Workspace.passes
            let buckets = 1 << bits
            let mask = K(truncatingIfNeeded: buckets - 1)
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: chunks * buckets)
            defer { counts.deallocate() }
            var (sk, sp, dk, dp) = (keys, perm, scratchKeys, scratchPerm)
            for p in 0..<passes {
                let shift = K(truncatingIfNeeded: p * bits)
                let (fromKeys, fromPerm, toKeys, toPerm) = (sk, sp, dk, dp)
                counts.initialize(repeating: 0, count: chunks * buckets)
                Parallelism.forEachChunk(n, minimumPerTask: StableSort.parallelChunk) { t, r in
                    let h = counts + t * buckets
                    for i in r { h[Int(truncatingIfNeeded: (fromKeys[i] &>> shift) & mask)] += 1 }
                }
                let first = Int(truncatingIfNeeded: (sk[0] &>> shift) & mask)
                var same = 0
                for t in 0..<chunks { same += counts[t * buckets + first] }
                if same == n { continue }
                var total = 0
                for d in 0..<buckets {
                    for t in 0..<chunks {
                        let c = counts[t * buckets + d]
                        counts[t * buckets + d] = total
                        total += c
                    }
                }
                Parallelism.forEachChunk(n, minimumPerTask: StableSort.parallelChunk) { t, r in
                    let h = counts + t * buckets
                    for i in r {
                        let k = fromKeys[i]
                        let d = Int(truncatingIfNeeded: (k &>> shift) & mask)
                        let o = h[d]
                        h[d] = o + 1
                        toKeys[o] = k
                        toPerm[o] = fromPerm[i]
                    }
                }
                swap(&sk, &dk)
                swap(&sp, &dp)
            }
            return sp
        }
    }
}
