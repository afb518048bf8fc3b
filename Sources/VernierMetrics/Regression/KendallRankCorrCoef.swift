import Foundation
import VernierCore
import VernierTensor

/// Pair counts of one column, from Knight's O(n log n) algorithm: sort by
/// `(x, y)`, count the pairs tied in `x`, tied in both, then merge-sort `y`
/// counting inversions (the discordant pairs) and the pairs tied in `y`.
struct KendallCounts {
    /// Number of samples.
    var n = 0.0
    /// Concordant and discordant pairs (both orders strict).
    var concordant = 0.0, discordant = 0.0
    /// Tie statistics of `x` and `y`: `Σ t(t-1)/2`, `Σ t(t-1)(t-2)`,
    /// `Σ t(t-1)(2t+5)` over groups of `t` equal values, and the number of
    /// distinct values.
    var tiesX = TieStatistics(), tiesY = TieStatistics()

    struct TieStatistics {
        var pairs = 0.0, p1 = 0.0, p2 = 0.0, distinct = 0.0

        mutating func add(group t: Double) {
            distinct += 1
            pairs += t * (t - 1) / 2
            p1 += t * (t - 1) * (t - 2)
            p2 += t * (t - 1) * (2 * t + 5)
        }
    }

    init(x: [Double], y: [Double]) {
        let count = x.count
        n = Double(count)
        guard count > 0 else { return }
        let order = (0..<count).sorted { x[$0] < x[$1] || (x[$0] == x[$1] && y[$0] < y[$1]) }
        var ys = order.map { y[$0] }
        var jointPairs = 0.0
        var start = 0
        while start < count {
            var end = start + 1
            while end < count && x[order[end]] == x[order[start]] { end += 1 }
            tiesX.add(group: Double(end - start))
            var s = start
            while s < end {
                var e = s + 1
                while e < end && ys[e] == ys[s] { e += 1 }
                jointPairs += Double(e - s) * Double(e - s - 1) / 2
                s = e
            }
            start = end
        }
        discordant = Self.inversions(&ys)
        start = 0
        while start < count {
            var end = start + 1
            while end < count && ys[end] == ys[start] { end += 1 }
            tiesY.add(group: Double(end - start))
            start = end
        }
        concordant = n * (n - 1) / 2 - tiesX.pairs - tiesY.pairs + jointPairs - discordant
    }

    /// Sorts `a` ascending (bottom-up merge sort) and returns the number of
    /// strict inversions `i < j, a[i] > a[j]`.
    static func inversions(_ a: inout [Double]) -> Double {
        let n = a.count
        var buffer = a
        var swaps = 0.0
        var width = 1
        while width < n {
            var lo = 0
            while lo < n {
                let mid = Swift.min(lo + width, n), hi = Swift.min(lo + 2 * width, n)
                var i = lo, j = mid, k = lo
                while i < mid && j < hi {
                    if a[j] < a[i] {
                        buffer[k] = a[j]; j += 1
                        swaps += Double(mid - i)
                    } else {
                        buffer[k] = a[i]; i += 1
                    }
                    k += 1
                }
                while i < mid { buffer[k] = a[i]; i += 1; k += 1 }
                while j < hi { buffer[k] = a[j]; j += 1; k += 1 }
                lo = hi
            }
            swap(&a, &buffer)
            width *= 2
        }
        return swaps
    }
}

/// The variant of Kendall's τ (see ``KendallRankCorrCoef``).
public enum KendallVariant: String, Sendable {
    /// `(C - D) / (C + D)`.
    case a
    /// Tie-corrected: `(C - D) / √((n₀ - tₓ)(n₀ - t_y))`.
    case b
    /// For rectangular tables: `2 (C - D) / (n² (m - 1) / m)`.
    case c
}

/// The alternative hypothesis of Kendall's τ test.
public enum KendallAlternative: String, Sendable {
    /// τ differs from 0.
    case twoSided = "two-sided"
    /// τ is below 0.
    case less
    /// τ is above 0.
    case greater
}

/// Kendall's rank correlation τ per output, with `C` concordant and `D`
/// discordant pairs, `n₀ = n(n-1)/2`, `tₓ`/`t_y` the pairs tied in preds/target:
///
/// - `a`: `(C - D) / (C + D)` (TorchMetrics' definition);
/// - `b` (default): `(C - D) / √((n₀ - tₓ)(n₀ - t_y))`;
/// - `c`: `2 (C - D) / (n² (m - 1) / m)`, `m` the smaller number of distinct values;
///
/// clamped to [-1, 1]. With `t_test = true` the value is `[τ, p]`, the
/// p-value of the normal approximation for `alternative` (`two-sided`,
/// `less`, `greater`), with the tie-corrected variance for variants b and c.
///
/// Inputs: `preds` and `target` of shape `(N)` or `(N, 1)` for one output,
/// `(N, num_outputs)` otherwise (τ and p are scalars or `[num_outputs]`).
/// NaN is rejected. States: `preds` and `target`, `cat` lists of
/// `[N, num_outputs]` batches in their own dtype. Degenerate cases follow
/// the formulas: no untied pair gives NaN (0/0), as in TorchMetrics.
public final class KendallRankCorrCoef: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "kendall_rank_corrcoef", domain: .regression, summary: "Kendall's rank correlation tau (a, b or c), optionally with a p-value",
        options: [OptionSpec("variant", .choice(["a", "b", "c"]), default: .string("b"), help: "tau-a, tau-b (tie-corrected) or tau-c"),
                  OptionSpec("t_test", .bool, default: .bool(false), help: "also return the p-value of a test of no correlation"),
                  OptionSpec("alternative", .choice(["two-sided", "less", "greater", "None"]), default: .string("two-sided"),
                             help: "the alternative hypothesis of the test"),
                  RegressionOptions.numOutputs]
    ) { try KendallRankCorrCoef(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec(list: "preds"), StateSpec(list: "target")])
    let variant: KendallVariant
    let alternative: KendallAlternative?
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        variant = KendallVariant(rawValue: options.string("variant") ?? "") ?? .b
        numOutputs = options.int("num_outputs") ?? 1
        let tTest = options.bool("t_test") ?? false
        if tTest && options.isNone("alternative") {
            throw MetricError.invalidOption(metric: Self.descriptor.name, option: "alternative", expected: "two-sided, less or greater when t_test is true, got None")
        }
        alternative = tTest ? KendallAlternative(rawValue: options.string("alternative") ?? "") : nil
    }

    /// Kendall's τ of `variant`, with a p-value for `alternative` when `tTest`.
    public convenience init(variant: KendallVariant = .b, tTest: Bool = false, alternative: KendallAlternative = .twoSided, numOutputs: Int = 1) throws {
        try self.init(["variant": .string(variant.rawValue), "t_test": .bool(tTest), "alternative": .string(alternative.rawValue), "num_outputs": .int(numOutputs)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try RankCorrelationData.append(&state, inputs, numOutputs: numOutputs, floatOnly: false, as: nil, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let counts = Ranking.concurrently(numOutputs) { c in
            KendallCounts(x: RankCorrelationData.column(state, "preds", c, numOutputs: numOutputs, as: Double.self),
                          y: RankCorrelationData.column(state, "target", c, numOutputs: numOutputs, as: Double.self))
        }
        let tau = RankCorrelationData.output(counts.map(tau))
        guard let alternative else { return .tensor(tau) }
        return .list([.tensor(tau), .tensor(RankCorrelationData.output(counts.map { pValue($0, alternative) }))])
    }

    func tau(_ k: KendallCounts) -> Double {
        let diff = k.concordant - k.discordant
        let value: Double
        switch variant {
        case .a:
            value = diff / (k.concordant + k.discordant)
        case .b:
            let pairs = k.n * (k.n - 1) / 2
            value = diff / ((pairs - k.tiesX.pairs) * (pairs - k.tiesY.pairs)).squareRoot()
        case .c:
            let m = Swift.min(k.tiesX.distinct, k.tiesY.distinct)
            value = 2 * diff / ((m - 1) / m * k.n * k.n)
        }
        return value.isNaN ? value : Swift.min(1, Swift.max(-1, value))
    }

    /// The p-value of the normal approximation of the statistic `C - D`.
    func pValue(_ k: KendallCounts, _ alternative: KendallAlternative) -> Double {
        let n = k.n, diff = k.concordant - k.discordant
        let base = n * (n - 1) * (2 * n + 5)
        var t: Double
        if variant == .a {
            t = 3 * diff / (base / 2).squareRoot()
        } else {
            let m = n * (n - 1)
            var variance = (base - k.tiesX.p2 - k.tiesY.p2) / 18
            variance += 2 * k.tiesX.pairs * k.tiesY.pairs / m
            variance += k.tiesX.p1 * k.tiesY.p1 / (9 * m * (n - 2))
            t = diff / variance.squareRoot()
        }
        switch alternative {
        case .twoSided: t = -Swift.abs(t)
        case .greater: t = -t
        case .less: break
        }
        let p = 0.5 * erfc(-t / 2.0.squareRoot())
        return alternative == .twoSided ? 2 * p : p
    }
}
