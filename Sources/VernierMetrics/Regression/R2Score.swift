import VernierCore
import VernierTensor

/// Coefficient of determination, `R² = 1 - RSS / TSS` per output, with
/// `RSS = Σ (t - p)²` and `TSS = Σ (t - t̄)²`; with `adjusted = k > 0`,
/// `1 - (1 - R²)(N - 1) / (N - k - 1)`.
///
/// Inputs: `preds` and `target` of equal shape `(N)` or `(N, D)`; the
/// number of outputs comes from the data (every batch must agree).
/// `multioutput`: `raw_values` (one score per output, a scalar for 1-D
/// input), `uniform_average` (default), `variance_weighted` (weights TSS).
///
/// Edge cases (as TorchMetrics): an output whose RSS is within 1e-4 of 0
/// scores 1; one whose TSS is within 1e-4 of 0 (and RSS is not) scores 0;
/// `adjusted >= N - 1` falls back to the plain R²; fewer than two samples
/// is an error at compute. State: the list `moments` (see
/// ``ErrorMoments``), one float64 summary per output and instance, merged
/// with Chan's pairwise update.
public final class R2Score: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "r2_score", domain: .regression, summary: "coefficient of determination R² (optionally adjusted)",
        options: [OptionSpec("adjusted", .int(min: 0), default: .int(0), help: "number of independent regressors for the adjusted R² (0: plain)"),
                  RegressionOptions.multioutput]
    ) { try R2Score(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec(list: ErrorMoments.listState)])
    public var higherIsBetter: Bool? { true }
    let adjusted: Int
    let multioutput: MultioutputAverage

    public init(options: MetricOptions) throws {
        self.options = options
        adjusted = options.int("adjusted") ?? 0
        multioutput = MultioutputAverage(options)
    }

    /// R² with TorchMetrics' options.
    public convenience init(adjusted: Int = 0, multioutput: MultioutputAverage = .uniformAverage) throws {
        try self.init(["adjusted": .int(adjusted), "multioutput": .string(multioutput.rawValue)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try Check.sameShape(preds, target, metric: name)
        try Check.nonEmpty(preds, metric: name, "preds")
        guard preds.rank == 1 || preds.rank == 2 else {
            throw MetricError.invalidInput(metric: name, argument: "preds", expected: "a 1-D (N) or 2-D (N, D) tensor, got shape \(preds.shape)")
        }
        let trailing = Array(preds.shape.dropFirst())
        try ErrorMoments.fold(&state, try ErrorMoments.batch(preds, target, columns: trailing.first ?? 1), trailing: trailing, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let (moments, trailing, _) = try ErrorMoments.combined(state.list(ErrorMoments.listState), metric: name)
        let n = moments.first?.n ?? 0
        guard n >= 2 else {
            throw MetricError.invalidInput(metric: name, argument: "preds", expected: "at least two samples to compute R², got \(Int(n))")
        }
        let tss = moments.map(\.m2Y)
        let scores = moments.map { m -> Double in
            let rss = ErrorMoments.residualSumOfSquares(m)
            let rssIsZero = Swift.abs(rss) <= 1e-4, tssIsZero = Swift.abs(m.m2Y) <= 1e-4
            if rssIsZero { return 1 }
            return tssIsZero ? 0 : 1 - rss / m.m2Y
        }
        var (values, shape) = ErrorMoments.reduce(scores, weights: tss, multioutput: multioutput, trailing: trailing)
        if adjusted > 0 && Double(adjusted) < n - 1 {
            let factor = (n - 1) / (n - Double(adjusted) - 1)
            values = values.map { 1 - (1 - $0) * factor }
        }
        return .tensor(Tensor(values.map { Float($0) }, shape: shape))
    }
}

/// Relative squared error, `RSE = Σ (t - p)² / Σ (t - t̄)²` per output (its
/// root with `squared = false`), averaged over outputs.
///
/// Inputs: `preds` and `target` of shape `(N)` or `(N, 1)` for one output,
/// `(N, num_outputs)` otherwise; the value is a scalar. A total sum of
/// squares below ε of float32 (constant target) is replaced by ε, as in
/// TorchMetrics, giving a large finite value. State: `moments` (float64
/// `[num_outputs, 10]`, see ``ErrorMoments``), merged pairwise.
public final class RelativeSquaredError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "relative_squared_error", domain: .regression, summary: "relative squared error (or its root)",
        options: [RegressionOptions.numOutputs, OptionSpec("squared", .bool, default: .bool(true), help: "false returns the root relative squared error")]
    ) { try RelativeSquaredError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let numOutputs: Int
    let squared: Bool

    public init(options: MetricOptions) throws {
        self.options = options
        numOutputs = options.int("num_outputs") ?? 1
        squared = options.bool("squared") ?? true
        storage = MetricStorage([PairMoments.stateSpec("moments", columns: numOutputs)])
    }

    /// RSE over `numOutputs` outputs (root with `squared: false`).
    public convenience init(numOutputs: Int = 1, squared: Bool = true) throws {
        try self.init(["num_outputs": .int(numOutputs), "squared": .bool(squared)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validateColumns(preds, target, numOutputs: numOutputs, metric: name)
        let batch = try ErrorMoments.batch(preds, target, columns: numOutputs)
        state["moments"] = PairMoments.merged(state["moments"], PairMoments.pack(batch))
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let eps = Double(Float.ulpOfOne)
        let values = PairMoments.unpack(state["moments"]).map { m -> Double in
            let rse = ErrorMoments.residualSumOfSquares(m) / Swift.max(m.m2Y, eps)
            return squared ? rse : rse.squareRoot()
        }
        return .scalar(values.reduce(0, +) / Double(values.count))
    }
}
