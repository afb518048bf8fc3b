import VernierCore
import VernierTensor

/// A metric assembled in a test from plain state declarations and two
/// closures, so sync can be checked for each reduction on its own.
final class SpecMetric: Metric {
    let name: String
    let options: MetricOptions
    let inputNames = ["preds"]
    var storage: MetricStorage
    private let fold: (inout MetricState, Tensor) throws -> Void
    private let value: (MetricState) throws -> MetricValue

    init(
        _ name: String, options: MetricOptions = MetricOptions(), specs: [StateSpec],
        fold: @escaping (inout MetricState, Tensor) throws -> Void,
        value: @escaping (MetricState) throws -> MetricValue
    ) {
        self.name = name
        self.options = options
        self.storage = MetricStorage(specs)
        self.fold = fold
        self.value = value
    }

    func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try fold(&state, try inputs.tensor("preds", metric: name))
    }

    func computeValue(from state: MetricState) throws -> MetricValue { try value(state) }

    /// Feeds `rows` in batches of at most `batch` rows (nothing for zero rows).
    func feed(_ rows: Tensor, batch: Int = 5) throws {
        let n = rows.shape[0]
        for start in stride(from: 0, to: n, by: batch) {
            try update(["preds": try rows.slice(axis: 0, start: start, end: Swift.min(n, start + batch))])
        }
    }
}

/// The test metrics: one per reduction, plus the usual sum + count pattern.
enum TestMetrics {
    /// `sum / count` over 1-D float64 preds: a float64 `sum` state and an int64 `sum` count.
    static func meanOfSum(options: MetricOptions = MetricOptions()) -> SpecMetric {
        SpecMetric(
            "mean_of_sum", options: options,
            specs: [StateSpec("total", .zeros([], dtype: .float64), .sum), StateSpec("count", .zeros([], dtype: .int64), .sum)],
            fold: { s, p in
                s["total"] = s["total"] + p.sum()
                s["count"] = s["count"] + Tensor.scalar(Int64(p.count))
            },
            value: { s in .tensor(s["total"] / s["count"]) })
    }

    /// Every row kept (a `cat` state); the value is the rows in order, or a 0-row tensor.
    static func rows(columns: Int = 2, dtype: DType = .float32) -> SpecMetric {
        SpecMetric(
            "rows", specs: [StateSpec(list: "rows")],
            fold: { s, p in s.append("rows", p) },
            value: { s in .tensor(s.concatenated("rows") ?? .zeros([0, columns], dtype: dtype)) })
    }

    /// Per-column min and max of [n, 2] float32 rows, plus an int32 row
    /// count (`sum`) and a bool "saw a negative value" flag (`max`): the
    /// int32 and bool states travel as int64.
    static func extremes() -> SpecMetric {
        SpecMetric(
            "extremes",
            specs: [
                StateSpec("lo", .full([2], .infinity), .min),
                StateSpec("hi", .full([2], -.infinity), .max),
                StateSpec("n", .zeros([], dtype: .int32), .sum),
                StateSpec("negative", .zeros([], dtype: .bool), .max),
            ],
            fold: { s, p in
                s["lo"] = try Tensor.binary(.minimum, s["lo"], try p.reduce(.min, axis: 0))
                s["hi"] = try Tensor.binary(.maximum, s["hi"], try p.reduce(.max, axis: 0))
                s["n"] = s["n"] + Tensor.scalar(Double(p.shape[0]), dtype: .int32)
                s["negative"] = s["negative"] || Tensor.scalar(p.lt(0).sumAsDouble() > 0 ? 1 : 0, dtype: .bool)
            },
            value: { s in .list([.tensor(s["lo"]), .tensor(s["hi"]), .tensor(s["n"]), .tensor(s["negative"])]) })
    }

    /// Two `cat` states around a `sum` state: every batch goes into `all`
    /// (float32 rows); a batch whose first row has 0 in the second column
    /// (rows 0, 4, 8, ... of ``TestData/pairs(_:)``) also goes into `marked`
    /// (its first column as int64). With batches of 5 rows, 23 rows over 4
    /// ranks leave ranks 1 and 3 with items in `all` and none in `marked`.
    /// Depends on batch boundaries, so it is only compared with merging the
    /// ranks, not with one process.
    static func twoLists() -> SpecMetric {
        SpecMetric(
            "two_lists",
            specs: [StateSpec(list: "all"), StateSpec("batches", .zeros([], dtype: .int64), .sum), StateSpec(list: "marked")],
            fold: { s, p in
                s.append("all", p)
                s["batches"] = s["batches"] + Tensor.scalar(Int64(1))
                if p.element(at: 1) == 0 { s.append("marked", try p.slice(axis: 1, start: 0, end: 1).cast(.int64)) }
            },
            value: { s in
                .list([.tensor(s.concatenated("all") ?? .zeros([0, 2])), .tensor(s["batches"]),
                       .tensor(s.concatenated("marked") ?? .zeros([0, 1], dtype: .int64))])
            })
    }

    /// A custom reducer that depends on rank order: `t0 * 10^(k-1) + t1 * 10^(k-2) + ... + t(k-1)`
    /// (Horner), over an int64 state holding how many rows a rank saw.
    static let digits = CustomReduction(name: "digits") { ts in
        ts.dropFirst().reduce(ts[0]) { acc, t in acc * Tensor.scalar(Int64(10)) + t }
    }

    static func rowDigits() -> SpecMetric {
        SpecMetric(
            "row_digits", specs: [StateSpec("rows", .zeros([], dtype: .int64), .custom(digits))],
            fold: { s, p in s["rows"] = s["rows"] + Tensor.scalar(Int64(p.shape[0])) },
            value: { s in .tensor(s["rows"]) })
    }

    /// A `mean` state: the mean of each rank's last batch column sums, so the
    /// synced value is the unweighted mean over ranks.
    static func lastBatchMean() -> SpecMetric {
        SpecMetric(
            "last_batch_mean", specs: [StateSpec("avg", .zeros([2], dtype: .float64), .mean)],
            fold: { s, p in s["avg"] = try p.cast(.float64).sum(axis: 0) },
            value: { s in .tensor(s["avg"]) })
    }
}

/// Deterministic test data whose sums are exact in binary floating point.
enum TestData {
    /// `n` float64 values `0.5 * ((7i) mod 11) - 2`.
    static func column(_ n: Int) -> Tensor {
        Tensor((0..<n).map { 0.5 * Double((7 * $0) % 11) - 2 }, shape: [n])
    }

    /// `n` rows `[((3i) mod 5) - 1.5, 0.25 * (i mod 4)]`, float32.
    static func pairs(_ n: Int) -> Tensor {
        var values: [Float] = []
        for i in 0..<n {
            values.append(Float((3 * i) % 5) - 1.5)
            values.append(0.25 * Float(i % 4))
        }
        return Tensor(values, shape: [n, 2])
    }

    /// Rank `r`'s contiguous share of `n` rows over `k` ranks: `r*n/k ..< (r+1)*n/k`
    /// (ranks get no rows when `n < k`; shares differ by one when `k` does not divide `n`).
    static func share(_ r: Int, of n: Int, ranks k: Int) -> Range<Int> { (r * n / k)..<((r + 1) * n / k) }

    static func rows(_ t: Tensor, _ range: Range<Int>) -> Tensor {
        try! t.slice(axis: 0, start: range.lowerBound, end: range.upperBound)
    }
}

/// Comparisons that treat a `cat` state by its concatenation (sync leaves
/// one tensor per state, merge keeps every batch).
enum Compare {
    static func identical(_ a: MetricValue, _ b: MetricValue) -> Bool {
        switch (a, b) {
        case let (.tensor(x), .tensor(y)): return x.isIdentical(to: y)
        case let (.list(x), .list(y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        default: return false
        }
    }

    static func identical(_ a: [StateValue], _ b: [StateValue]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            switch (x.tensorValue, y.tensorValue) {
            case (nil, nil): return true
            case let (s?, t?): return s.isIdentical(to: t)
            default: return false
            }
        }
    }
}
