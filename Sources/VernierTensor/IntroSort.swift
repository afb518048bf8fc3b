/// Unstable sorting of unsigned keys carrying a `UInt32` permutation, in the
/// exact order libstdc++'s `std::sort` leaves them: the sort PyTorch's CPU
/// `torch.sort`/`argsort` runs when `stable=False` (its default).
///
/// Results that depend on how that sort orders ties (TorchMetrics' `interp`
/// re-sorting a curve's tied fpr, its ranking loss's double `argsort`) are
/// reproduced only by the same algorithm, not by any valid sort: introsort
/// with a median-of-three pivot moved to the front, an unguarded Hoare
/// partition, heapsort past the depth limit `2·⌊log2 n⌋`, partitions of at
/// most 16 elements left for a final insertion sort (guarded over the first
/// 16 elements, unguarded beyond).
enum IntroSort {
    /// Runs below this length are left for the final insertion sort (`_S_threshold`).
    static let threshold = 16

    /// Sorts `perm[0..<n]` so that `keys[perm[i]]` ascends, ties in libstdc++'s order.
    ///
    /// `keys` is indexed by the permutation's entries; `perm` usually starts
    /// as `0..<n`. Empty and one-element inputs are left as they are.
    static func sort<K: FixedWidthInteger & UnsignedInteger>(_ keys: UnsafePointer<K>, _ perm: UnsafeMutablePointer<UInt32>, _ n: Int) {
        guard n > 1 else { return }
        var sorter = Sorter(keys: keys, a: perm)
        sorter.introsort(0, n, 2 * (Int.bitWidth - 1 - n.leadingZeroBitCount))
        if n > threshold {
            sorter.insertionSort(0, threshold)
            sorter.unguardedInsertionSort(threshold, n)
        } else {
            sorter.insertionSort(0, n)
        }
    }

    /// One sort's state; the method names follow libstdc++'s helpers.
    private struct Sorter<K: FixedWidthInteger & UnsignedInteger> {
        let keys: UnsafePointer<K>
        let a: UnsafeMutablePointer<UInt32>

        @inline(__always) func less(_ i: UInt32, _ j: UInt32) -> Bool { keys[Int(i)] < keys[Int(j)] }

        @inline(__always) func swapAt(_ i: Int, _ j: Int) { let t = a[i]; a[i] = a[j]; a[j] = t }

        func moveMedianToFirst(_ result: Int, _ x: Int, _ y: Int, _ z: Int) {
            if less(a[x], a[y]) {
                if less(a[y], a[z]) { swapAt(result, y) } else if less(a[x], a[z]) { swapAt(result, z) } else { swapAt(result, x) }
            } else if less(a[x], a[z]) {
                swapAt(result, x)
            } else if less(a[y], a[z]) {
                swapAt(result, z)
            } else {
                swapAt(result, y)
            }
        }

        func partition(_ lo: Int, _ hi: Int) -> Int {
            moveMedianToFirst(lo, lo + 1, lo + (hi - lo) / 2, hi - 1)
            var first = lo + 1, last = hi
            while true {
                while less(a[first], a[lo]) { first += 1 }
                last -= 1
                while less(a[lo], a[last]) { last -= 1 }
                if !(first < last) { return first }
                swapAt(first, last)
                first += 1
            }
        }

        func adjustHeap(_ base: Int, _ top: Int, _ len: Int, _ value: UInt32) {
            var hole = top, child = top
            while child < (len - 1) / 2 {
                child = 2 * (child + 1)
                if less(a[base + child], a[base + child - 1]) { child -= 1 }
                a[base + hole] = a[base + child]
                hole = child
            }
            if len & 1 == 0 && child == (len - 2) / 2 {
                child = 2 * (child + 1)
                a[base + hole] = a[base + child - 1]
                hole = child - 1
            }
            var parent = (hole - 1) / 2
            while hole > top && less(a[base + parent], value) {
                a[base + hole] = a[base + parent]
                hole = parent
                parent = (hole - 1) / 2
            }
            a[base + hole] = value
        }

        func heapSort(_ lo: Int, _ hi: Int) {
            let len = hi - lo
            guard len > 1 else { return }
            var parent = (len - 2) / 2
            while true {
                adjustHeap(lo, parent, len, a[lo + parent])
                if parent == 0 { break }
                parent -= 1
            }
            var last = hi
            while last - lo > 1 {
                last -= 1
                let value = a[last]
                a[last] = a[lo]
                adjustHeap(lo, 0, last - lo, value)
            }
        }

        func introsort(_ lo: Int, _ end: Int, _ limit: Int) {
            var hi = end, depth = limit
            while hi - lo > IntroSort.threshold {
                if depth == 0 { heapSort(lo, hi); return }
                depth -= 1
                let cut = partition(lo, hi)
                introsort(cut, hi, depth)
                hi = cut
            }
        }

        func insertionSort(_ lo: Int, _ hi: Int) {
            guard hi - lo > 1 else { return }
            for i in (lo + 1)..<hi {
                let v = a[i]
                if less(v, a[lo]) {
                    var k = i
                    while k > lo { a[k] = a[k - 1]; k -= 1 }
                    a[lo] = v
                } else {
                    unguardedLinearInsert(i)
                }
            }
        }

        /// Every element left of `lo` is no greater than those from `lo` on
        /// (the partitions guarantee it), so the scan needs no bound check.
        func unguardedInsertionSort(_ lo: Int, _ hi: Int) {
            for i in lo..<hi { unguardedLinearInsert(i) }
        }

        @inline(__always) func unguardedLinearInsert(_ i: Int) {
            let v = a[i]
            var j = i
            while less(v, a[j - 1]) { a[j] = a[j - 1]; j -= 1 }
            a[j] = v
        }
    }
}
