import Foundation
import VernierCore
import VernierTensor

/// The state and update shared by Pearson's and the concordance correlation:
/// one ``PairMoments`` summary per output, merged pairwise across batches,
/// instances and ranks.
enum CorrelationMoments {
    static let stateName = "moments"

    static func stateSpecs(numOutputs: Int) -> [StateSpec] { [PairMoments.stateSpec(stateName, columns: numOutputs)] }

    /// Validates a batch (float `preds`/`target`, `(N)` or `(N, 1)` for one
    /// output, `(N, num_outputs)` otherwise) and folds its moments in.
    static func update(_ state: inout MetricState, _ inputs: MetricInputs, numOutputs: Int, metric: String) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: metric)
        try Check.floating(preds, metric: metric, "preds")
        try Check.floating(target, metric: metric, "target")
        try RegressionOptions.validateColumns(preds, target, numOutputs: numOutputs, metric: metric)
        let batch = PairMoments.columns(preds, target, columns: numOutputs)
        state[stateName] = PairMoments.merged(state[stateName], PairMoments.pack(batch))
    }

    static func moments(_ state: MetricState) -> [PairMoments] { PairMoments.unpack(state[stateName]) }

    /// One value per output: a float32 scalar for one output, `[D]` otherwise.
    static func output(_ values: [Double]) -> MetricValue {
        .tensor(Tensor(values.map { Float($0) }, shape: values.count == 1 ? [] : [values.count]))
    }

    /// Pearson's r from a summary, following TorchMetrics' safeguard: the
    /// sample variances and covariance are scaled by the largest deviation
    /// from the mean, and when a scaled variance is below √ε (ε of float32,
    /// the precision TorchMetrics keeps these states in) or anything is not
    /// finite the result is NaN (constant input, a single sample, NaN data).
    /// Otherwise `r = cov / √(var_x var_y)`, clamped to [-1, 1].
    static func pearson(_ m: PairMoments) -> Double {
        let vx = m.m2X / (m.n - 1), vy = m.m2Y / (m.n - 1), cov = m.cXY / (m.n - 1)
        let dx = m.maxDeviationX, dy = m.maxDeviationY
        let sx = vx / (dx * dx), sy = vy / (dy * dy), sc = cov / (dx * dy)
        let bound = Double(Float.ulpOfOne).squareRoot()
        guard sx >= bound, sy >= bound, sx.isFinite, sy.isFinite, sc.isFinite else { return .nan }
        return Swift.min(1, Swift.max(-1, sc / (sx * sy).squareRoot()))
    }
}

/// Pearson correlation coefficient,
/// `r = Σ (x - x̄)(y - ȳ) / √(Σ (x - x̄)² Σ (y - ȳ)²)` per output.
///
/// Inputs: float `preds` and `target` of shape `(N)` or `(N, 1)` for one
/// output, `(N, num_outputs)` otherwise; the value is a scalar or
/// `[num_outputs]`. State: `moments` (float64 `[num_outputs, 10]`: count,
/// means, centred sums of squares and products, ranges), merged with Chan's
/// pairwise update (a custom reduction), so splitting the data into batches
/// or instances does not change the result beyond rounding.
///
/// Edge cases (as TorchMetrics): fewer than two samples, a constant input,
/// or a variance negligible against the spread (scaled variance below
/// √ε of float32) give NaN; NaN data give NaN.
public final class PearsonCorrCoef: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "pearson_corrcoef", domain: .regression, summary: "Pearson correlation coefficient",
        options: [RegressionOptions.numOutputs]
    ) { try PearsonCorrCoef(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        numOutputs = options.int("num_outputs") ?? 1
        storage = MetricStorage(CorrelationMoments.stateSpecs(numOutputs: numOutputs))
    }

    /// Pearson's r over `numOutputs` outputs.
    public convenience init(numOutputs: Int = 1) throws { try self.init(["num_outputs": .int(numOutputs)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try CorrelationMoments.update(&state, inputs, numOutputs: numOutputs, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        CorrelationMoments.output(CorrelationMoments.moments(state).map(CorrelationMoments.pearson))
    }
}

/// Lin's concordance correlation coefficient,
/// `ρc = 2 r sₓ s_y / (sₓ² + s_y² + (x̄ - ȳ)²)` per output, with sample
/// variances `s²` (divided by `N - 1`) and Pearson's `r`.
///
/// Inputs, state and merging as ``PearsonCorrCoef``; NaN wherever Pearson's
/// r is NaN (fewer than two samples, constant input, NaN data).
public final class ConcordanceCorrCoef: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "concordance_corrcoef", domain: .regression, summary: "Lin's concordance correlation coefficient",
        options: [RegressionOptions.numOutputs]
    ) { try ConcordanceCorrCoef(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        numOutputs = options.int("num_outputs") ?? 1
        storage = MetricStorage(CorrelationMoments.stateSpecs(numOutputs: numOutputs))
    }

    /// The concordance correlation over `numOutputs` outputs.
    public convenience init(numOutputs: Int = 1) throws { try self.init(["num_outputs": .int(numOutputs)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try CorrelationMoments.update(&state, inputs, numOutputs: numOutputs, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        CorrelationMoments.output(CorrelationMoments.moments(state).map { m in
            let vx = m.m2X / (m.n - 1), vy = m.m2Y / (m.n - 1)
            let d = m.meanX - m.meanY
            return 2 * CorrelationMoments.pearson(m) * vx.squareRoot() * vy.squareRoot() / (vx + vy + d * d)
        })
    }
}
