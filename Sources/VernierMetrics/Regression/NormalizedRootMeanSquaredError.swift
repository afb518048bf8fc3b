import VernierCore
import VernierTensor

/// The target statistic that divides the RMSE in ``NormalizedRootMeanSquaredError``.
public enum NRMSENormalization: String, Sendable {
    /// The target mean.
    case mean
    /// `max(target) - min(target)`.
    case range
    /// The population standard deviation of the target.
    case std
    /// The Euclidean norm of the target.
    case l2
}

/// Normalised root mean squared error, `NRMSE = √(Σ (p - t)² / N) / d` per
/// output, where `d` depends on `normalization`:
///
/// - `mean` (default): the target mean;
/// - `range`: `max(target) - min(target)`;
/// - `std`: the population standard deviation of the target;
/// - `l2`: the target's Euclidean norm `√Σ t²`.
///
/// Inputs as ``MeanSquaredError`` (any shape flattened for one output,
/// `(N, num_outputs)` otherwise; the value is a scalar or `[num_outputs]`).
/// States: `sum_squared_error` (float64, summed), `total` (int64, summed)
/// and `moments` (target mean, centred sum of squares and range per output,
/// merged with Chan's pairwise update). A zero normaliser (zero mean,
/// constant target, all-zero target) gives inf (or NaN when the error is 0
/// too), as in TorchMetrics; an empty batch is an error.
public final class NormalizedRootMeanSquaredError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "normalized_root_mean_squared_error", domain: .regression, summary: "root mean squared error divided by a target statistic",
        options: [OptionSpec("normalization", .choice(["mean", "range", "std", "l2"]), default: .string("mean"), help: "the target statistic: mean, range, std or l2"),
                  RegressionOptions.numOutputs]
    ) { try NormalizedRootMeanSquaredError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let normalization: NRMSENormalization
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        normalization = NRMSENormalization(rawValue: options.string("normalization") ?? "") ?? .mean
        numOutputs = options.int("num_outputs") ?? 1
        storage = MetricStorage([
            StateSpec("sum_squared_error", .zeros(RegressionOptions.shape(numOutputs), dtype: .float64), .sum),
            StateSpec("total", .zeros([], dtype: .int64), .sum),
            PairMoments.stateSpec("moments", columns: numOutputs),
        ])
    }

    /// NRMSE normalised by `normalization` over `numOutputs` outputs.
    public convenience init(normalization: NRMSENormalization = .mean, numOutputs: Int = 1) throws {
        try self.init(["normalization": .string(normalization.rawValue), "num_outputs": .int(numOutputs)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: numOutputs, metric: name)
        let (sse, rows) = try RegressionOptions.sums(.squaredDifference, preds, target, numOutputs: numOutputs)
        let batch = PairMoments.columns(preds, target, columns: numOutputs)
        state["sum_squared_error"] = state["sum_squared_error"] + sse
        state["total"] = state["total"] + Tensor.scalar(rows)
        state["moments"] = PairMoments.merged(state["moments"], PairMoments.pack(batch))
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let sse = state["sum_squared_error"].toDoubles()
        let n = Double(state["total"].int64Element(at: 0))
        let values = zip(sse, PairMoments.unpack(state["moments"])).map { e, m -> Float in
            let denominator: Double
            switch normalization {
            case .range: denominator = m.maxY - m.minY
            case .std: denominator = m.isConstantY ? 0 : (m.m2Y / m.n).squareRoot()
            case .l2: denominator = (m.m2Y + m.n * m.meanY * m.meanY).squareRoot()
            case .mean: denominator = m.meanY
            }
            return Float((e / n).squareRoot() / denominator)
        }
        return .tensor(Tensor(values, shape: RegressionOptions.shape(numOutputs)))
    }
}
