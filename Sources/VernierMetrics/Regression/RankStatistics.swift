import VernierTensor

/// Rank statistics (Spearman, Kendall).
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
