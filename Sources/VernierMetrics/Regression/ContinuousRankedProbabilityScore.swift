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
public struct ContinuousRankedProbabilityScoreFormula: PlainMeanErrorFormula {
    /// `continuous_ranked_probability_score`; lower is better.
    public static let info = MetricInfo(name: "continuous_ranked_probability_score", summary: "continuous ranked probability score of ensemble forecasts",
                                        higherIsBetter: false)
    /// `score`.
    public static let sumState = "score"
    /// The formula.
    public init() {}

    /// The samples' scores summed, and the samples.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        guard preds.rank == 2, preds.shape[1] >= 2 else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, M) with M >= 2 ensemble members, got \(preds.shape)")
        }
        guard target.shape == [preds.shape[0]] else {
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "shape (N) = [\(preds.shape[0])] matching preds (N, M), got \(target.shape)")
        }
        try Check.nonEmpty(preds, metric: metric, "preds")
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
        return (Tensor.scalar(total, dtype: .float64), Int64(members.count))
    }
}

/// Continuous ranked probability score (see ``ContinuousRankedProbabilityScoreFormula``).
public typealias ContinuousRankedProbabilityScore = MeanErrorMetric<ContinuousRankedProbabilityScoreFormula>
