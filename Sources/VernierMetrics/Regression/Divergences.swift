import Foundation
import VernierCore
import VernierTensor

/// Row-wise divergences between distributions `p` and `q` (the update
/// arguments of the KL and Jensen-Shannon divergences).
enum Divergence {
    static let logProb = OptionSpec("log_prob", .bool, default: .bool(false), help: "p and q hold log-probabilities instead of (unnormalised) probabilities")

    /// Validates `p` and `q`: equal `(N, D)` shapes; for probabilities
    /// (not `log_prob`) no negative value and no all-zero row, which cannot be
    /// normalised (TorchMetrics returns NaN for both). Returns the rows,
    /// normalised to sum to 1 unless `logProb`.
    static func rows(_ inputs: MetricInputs, logProb: Bool, metric: String) throws -> (Rows, Rows) {
        let p = try inputs.tensor("p", metric: metric), q = try inputs.tensor("q", metric: metric)
        try Check.sameShape(p, q, metric: metric, "p", "q")
        guard p.rank == 2 else {
            throw MetricError.invalidInput(metric: metric, argument: "p", expected: "a 2-D (N, D) tensor of distributions, got shape \(p.shape)")
        }
        try Check.nonEmpty(p, metric: metric, "p")
        var out: [Rows] = []
        for (t, name) in [(p, "p"), (q, "q")] {
            var rows = Rows(t)
            if !logProb {
                if t.valueRange().min < 0 {
                    throw MetricError.invalidInput(metric: metric, argument: name, expected: "non-negative probabilities (or log_prob=true for log-probabilities)")
                }
                for r in 0..<rows.count where rows[r].reduce(0, +) == 0 {
                    throw MetricError.invalidInput(metric: metric, argument: name, expected: "rows with a positive sum (row \(r) is all zero and cannot be normalised)")
                }
                rows = rows.normalized()
            }
            out.append(rows)
        }
        return (out[0], out[1])
    }

    /// `Σ pᵢ log(pᵢ / qᵢ)` of two probability rows (`0 log 0 = 0`; `qᵢ = 0 < pᵢ` gives inf).
    static func kl(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>) -> Double {
        zip(p, q).reduce(0) { $0 + ($1.0 == 0 ? 0 : $1.0 * Foundation.log($1.0 / $1.1)) }
    }

    /// `Σ exp(pᵢ) (pᵢ - qᵢ)` of two log-probability rows.
    static func klLog(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>) -> Double {
        zip(p, q).reduce(0) { $0 + Foundation.exp($1.0) * ($1.0 - $1.1) }
    }
}

extension Rows {
    init(values: [Double], count: Int, width: Int) {
        self.values = values
        self.count = count
        self.width = width
    }

    /// Each row divided by its sum.
    func normalized() -> Rows {
        var v = values
        for r in 0..<count {
            let range = (r * width)..<((r + 1) * width)
            let total = v[range].reduce(0, +)
            for i in range { v[i] /= total }
        }
        return Rows(values: v, count: count, width: width)
    }
}

/// One row-wise divergence between distributions (``DivergenceMetric``):
/// its registry facts and the divergence of one pair of rows.
public protocol DivergenceFormula: Sendable {
    /// The metric's registry facts.
    static var info: MetricInfo { get }
    /// The divergence of the probability rows `p` and `q` (normalised to sum
    /// to 1), or with `logProb` of log-probability rows.
    static func divergence(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>, logProb: Bool) -> Double
}

/// A divergence between the rows of `p` and `q`, reduced over rows by
/// `reduction` (`mean` by default, `sum`, or `none`: one value per row),
/// e.g. ``KLDivergence``.
///
/// Inputs: `p` and `q` of shape `(N, D)`: unnormalised probabilities (each
/// row is divided by its sum; negative values and all-zero rows are
/// rejected) or, with `log_prob = true`, log-probabilities (no
/// normalisation). States: a float64 sum and an int64 row count, or for
/// `none` a `cat` list of float32 per-row values. Lower is better.
public final class DivergenceMetric<Formula: DivergenceFormula>: RegisteredMetric {
    /// The registry entry.
    public static var descriptor: MetricDescriptor { Formula.info.descriptor(of: Self.self, domain: .regression, inputs: ["p", "q"]) }

    /// The registry name.
    public var name: String { Formula.info.name }
    /// The resolved options.
    public let options: MetricOptions
    /// States, update count and cached value.
    public var storage: MetricStorage
    /// The formula's direction.
    public var higherIsBetter: Bool? { Formula.info.higherIsBetter }
    let logProb: Bool
    let reduction: SampleReduction

    /// Builds the metric from resolved options.
    public init(options: MetricOptions) throws {
        self.options = options
        logProb = options.bool("log_prob") ?? false
        reduction = SampleReduction(options, default: .mean)
        storage = MetricStorage(reduction.stateSpecs)
    }

    /// The divergence of (log-)probability rows, reduced by `reduction`.
    public convenience init(logProb: Bool = false, reduction: SampleReduction = .mean) throws {
        try self.init(["log_prob": .bool(logProb), "reduction": .string(reduction.rawValue)])
    }

    /// Validates the rows and folds their divergences in.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (p, q) = try Divergence.rows(inputs, logProb: logProb, metric: name)
        reduction.fold(&state, (0..<p.count).map { Formula.divergence(p[$0], q[$0], logProb: logProb) })
    }

    /// The sum, the mean, or every row's divergence.
    public func computeValue(from state: MetricState) throws -> MetricValue { reduction.value(state) }
}

/// Kullback-Leibler divergence `KL(p ‖ q) = Σ pᵢ log(pᵢ / qᵢ)` per row;
/// for log-probabilities `Σ exp(pᵢ)(pᵢ - qᵢ)`. `pᵢ = 0` contributes 0;
/// `qᵢ = 0 < pᵢ` gives inf.
public enum KLDivergenceFormula: DivergenceFormula {
    /// `kl_divergence`, options `log_prob` and `reduction`; lower is better.
    public static let info = MetricInfo(name: "kl_divergence", summary: "Kullback-Leibler divergence KL(p || q)",
                                        options: [Divergence.logProb, SampleReduction.option(default: "mean")], higherIsBetter: false)

    /// KL(p ‖ q) of one pair of rows.
    public static func divergence(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>, logProb: Bool) -> Double {
        logProb ? Divergence.klLog(p, q) : Divergence.kl(p, q)
    }
}

/// Jensen-Shannon divergence `JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m)` with
/// `m = (p + q) / 2` per row, between 0 and log 2; for log-probabilities
/// `log m = log((eᵖ + e^q) / 2)`, computed stably.
public enum JensenShannonDivergenceFormula: DivergenceFormula {
    /// `jensen_shannon_divergence`, options `log_prob` and `reduction`; lower is better.
    public static let info = MetricInfo(name: "jensen_shannon_divergence", summary: "Jensen-Shannon divergence",
                                        options: [Divergence.logProb, SampleReduction.option(default: "mean")], higherIsBetter: false)

    /// JS(p, q) of one pair of rows.
    public static func divergence(_ p: ArraySlice<Double>, _ q: ArraySlice<Double>, logProb: Bool) -> Double {
        let m: [Double] = zip(p, q).map { a, b in
            if !logProb { return (a + b) / 2 }
            let hi = Swift.max(a, b)
            return hi == -.infinity ? hi : hi + Foundation.log((Foundation.exp(a - hi) + Foundation.exp(b - hi)) / 2)
        }
        let mid = m[...]
        return logProb ? 0.5 * Divergence.klLog(p, mid) + 0.5 * Divergence.klLog(q, mid)
            : 0.5 * Divergence.kl(p, mid) + 0.5 * Divergence.kl(q, mid)
    }
}

/// Kullback-Leibler divergence, reduced over rows (see ``KLDivergenceFormula``).
public typealias KLDivergence = DivergenceMetric<KLDivergenceFormula>

/// Jensen-Shannon divergence, reduced over rows (see ``JensenShannonDivergenceFormula``).
public typealias JensenShannonDivergence = DivergenceMetric<JensenShannonDivergenceFormula>
