import Foundation
import VernierCore
import VernierTensor

/// Mean Tweedie deviance of order `power`, `Σ dev(preds, target) / N`, with
///
/// - `power = 0` (normal): `(t - p)²`;
/// - `power = 1` (Poisson): `2 (t log(t / p) + p - t)` (`t log t` is 0 at `t = 0`);
/// - `power = 2` (gamma): `2 (log(p / t) + t / p - 1)`;
/// - otherwise: `2 (max(t, 0)^(2-q) / ((1-q)(2-q)) - t p^(1-q) / (1-q) + p^(2-q) / (2-q))`.
///
/// `power` in (0, 1) is undefined and rejected. The domain depends on the
/// power: `preds > 0` for `power < 0` and `power >= 1`; additionally
/// `target >= 0` for `1 <= power < 2` and `target > 0` for `power >= 2`;
/// a batch outside it is rejected. Inputs of equal shape (flattened);
/// states `sum_deviance_score` (float64) and `num_observations` (int64),
/// summed. An empty batch is an error; NaN inputs give NaN.
public final class TweedieDevianceScore: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "tweedie_deviance_score", domain: .regression, summary: "mean Tweedie deviance of order `power`",
        options: [OptionSpec("power", .double(), default: .double(0), help: "0 normal, 1 Poisson, 2 gamma, other values outside (0, 1)")]
    ) { try TweedieDevianceScore(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([
        StateSpec("sum_deviance_score", .zeros([], dtype: .float64), .sum),
        StateSpec("num_observations", .zeros([], dtype: .int64), .sum),
    ])
    let power: Double

    public init(options: MetricOptions) throws {
        self.options = options
        power = options.double("power") ?? 0
        if power > 0 && power < 1 {
            throw MetricError.invalidOption(metric: Self.descriptor.name, option: "power", expected: "a value outside (0, 1), where the deviance is undefined; got \(power)")
        }
    }

    /// The Tweedie deviance of order `power`.
    public convenience init(power: Double = 0) throws { try self.init(["power": .double(power)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: name)
        try checkDomain(preds, target)
        let q = power
        let s: [SIMD4<Double>]
        switch q {
        case 0:
            s = FusedSums.columns(preds, target, columns: 1) { p, t in SIMD4((t - p) * (t - p), 0, 0, 0) }
        case 1:
            s = FusedSums.columns(preds, target, columns: 1) { p, t in
                SIMD4(2 * ((t == 0 ? 0 : t * Foundation.log(t / p)) + p - t), 0, 0, 0)
            }
        case 2:
            s = FusedSums.columns(preds, target, columns: 1) { p, t in SIMD4(2 * (Foundation.log(p / t) + t / p - 1), 0, 0, 0) }
        default:
            s = FusedSums.columns(preds, target, columns: 1) { p, t in
                let a = Foundation.pow(Swift.max(t, 0), 2 - q) / ((1 - q) * (2 - q))
                let b = t * Foundation.pow(p, 1 - q) / (1 - q)
                let c = Foundation.pow(p, 2 - q) / (2 - q)
                return SIMD4(2 * (a - b + c), 0, 0, 0)
            }
        }
        state["sum_deviance_score"] = state["sum_deviance_score"] + Tensor.scalar(s[0][0], dtype: .float64)
        state["num_observations"] = state["num_observations"] + Tensor.scalar(Int64(preds.count))
    }

    /// Rejects a batch outside the deviance's domain for this power.
    func checkDomain(_ preds: Tensor, _ target: Tensor) throws {
        guard power != 0 else { return }
        if preds.valueRange().min <= 0 {
            throw MetricError.invalidInput(metric: name, argument: "preds", expected: "strictly positive values for power=\(power)")
        }
        guard power >= 1 else { return }
        let lowest = target.valueRange().min
        if power < 2 && lowest < 0 {
            throw MetricError.invalidInput(metric: name, argument: "target", expected: "non-negative values for power=\(power)")
        }
        if power >= 2 && lowest <= 0 {
            throw MetricError.invalidInput(metric: name, argument: "target", expected: "strictly positive values for power=\(power)")
        }
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor((state["sum_deviance_score"] / state["num_observations"]).cast(.float32))
    }
}
