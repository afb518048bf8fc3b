/// The order in which PyTorch's CPU `argsort` (unstable: libstdc++'s
/// `std::sort` over (value, index) pairs compared by value, NaN last) leaves
/// tied values.
///
/// Most of the curve family does not depend on it (tied scores enter a curve
/// together), but two TorchMetrics computations do: LogAUC's interpolation
/// sorts the ROC's fpr, whose ties carry different tpr, and the ranking loss
/// ranks labels with a double `argsort`. Reproducing the introsort
/// (median-of-three pivot, unguarded Hoare partition, heapsort past the depth
/// limit `2·⌊log2 n⌋`, insertion sort over runs of 16) gives the same result
/// as TorchMetrics on tied inputs, not just one of the valid orders.
enum TorchSortOrder {
    /// The permutation that sorts `keys` ascending, ties ordered as PyTorch's CPU sort orders them.
    static func ascending<T: BinaryFloatingPoint>(_ keys: [T]) -> [Int] {
        var a = Array(keys.indices)
        let n = a.count
        guard n > 1 else { return a }
        @inline(__always) func less(_ i: Int, _ j: Int) -> Bool {
            let x = keys[i], y = keys[j]
            return (!x.isNaN && y.isNaN) || x < y
        }
        func moveMedianToFirst(_ result: Int, _ x: Int, _ y: Int, _ z: Int) {
            if less(a[x], a[y]) {
                if less(a[y], a[z]) { a.swapAt(result, y) } else if less(a[x], a[z]) { a.swapAt(result, z) } else { a.swapAt(result, x) }
            } else if less(a[x], a[z]) {
                a.swapAt(result, x)
            } else if less(a[y], a[z]) {
                a.swapAt(result, z)
            } else {
                a.swapAt(result, y)
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
                a.swapAt(first, last)
                first += 1
            }
        }
        func adjustHeap(_ base: Int, _ hole0: Int, _ len: Int, _ value: Int) {
            var hole = hole0
            var child = hole0
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
            while hole > hole0 && less(a[base + parent], value) {
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
        func introsort(_ lo: Int, _ hi0: Int, _ depth0: Int) {
            var hi = hi0, depth = depth0
            while hi - lo > 16 {
                if depth == 0 { heapSort(lo, hi); return }
                depth -= 1
                let cut = partition(lo, hi)
                introsort(cut, hi, depth)
                hi = cut
            }
        }
        func insertionSort(_ lo: Int, _ hi: Int, guarded: Bool) {
            for i in lo..<hi where i > lo || !guarded {
                let v = a[i]
                if guarded && less(v, a[lo]) {
                    for k in stride(from: i, to: lo, by: -1) { a[k] = a[k - 1] }
                    a[lo] = v
                } else {
                    var j = i
                    while less(v, a[j - 1]) { a[j] = a[j - 1]; j -= 1 }
                    a[j] = v
                }
            }
        }
        introsort(0, n, 2 * (Int.bitWidth - 1 - n.leadingZeroBitCount))
        if n > 16 {
            insertionSort(0, 16, guarded: true)
            insertionSort(16, n, guarded: false)
        } else {
            insertionSort(0, n, guarded: true)
        }
        return a
    }
}
