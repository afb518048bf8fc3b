import VernierCore
import VernierTensor

/// Continuous ranked probability score of an ensemble forecast, the mean over
/// samples of `(1/M) Σₘ |xₘ - y| - (1/2M²) Σᵢ Σⱼ |xᵢ - xⱼ|`.
///
/// The spread term is computed from the sorted members,
/// `Σᵢ Σⱼ |xᵢ - xⱼ| = 2 Σₖ x₍ₖ₎ (2k - M + 1)` (0-based `k`), in
/// O(M log M) per sample instead of O(M²).
///
/// Inputs: `preds` of shape `(N, M)` (M >= 2 ensemble members) and `target`
/// of shape `(N)`. States: `score` (float64) and `total` (int64 samples),
/// summed. An empty batch is an error; NaN gives NaN.
public final class ContinuousRankedProbabilityScore: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "continuous_ranked_probability_score", domain: .regression, summary: "continuous ranked probability score of ensemble forecasts"
    ) { try ContinuousRankedProbabilityScore(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([
        StateSpec("score", .zeros([], dtype: .float64), .sum),
        StateSpec("total", .zeros([], dtype: .int64), .sum),
    ])
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws { self.options = options }

    /// CRPS (no options).
    public convenience init() throws { try self.init([:]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        guard preds.rank == 2, preds.shape[1] >= 2 else {
            throw MetricError.invalidInput(metric: name, argument: "preds", expected: "shape (N, M) with M >= 2 ensemble members, got \(preds.shape)")
        }
        guard target.shape == [preds.shape[0]] else {
            throw MetricError.invalidInput(metric: name, argument: "target", expected: "shape (N) = [\(preds.shape[0])] matching preds (N, M), got \(target.shape)")
        }
        try Check.nonEmpty(preds, metric: name, "preds")
        let members = Rows(preds), y = target.toDoubles()
        let m = Double(members.width)
        var total = 0.0
        var sorted = [Double](repeating: 0, count: members.width)
        for r in 0..<members.count {
            var error = 0.0
            for (k, x) in members[r].enumerated() {
                sorted[k] = x
                error += Swift.abs(x - y[r])
            }
            sorted.sort()
            var spread = 0.0
            for (k, x) in sorted.enumerated() { spread += x * Double(2 * k - members.width + 1) }
            total += error / m - spread / (m * m)
        }
        state["score"] = state["score"] + Tensor.scalar(total, dtype: .float64)
        state["total"] = state["total"] + Tensor.scalar(Int64(members.count))
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor((state["score"] / state["total"]).cast(.float32))
    }
}
