import VernierCore
import VernierTensor

/// The list states and update shared by the rank correlations (Spearman,
/// Kendall): every batch is kept, because ranks depend on all the data.
enum RankCorrelationData {
    /// Validates a batch (`(N)` or `(N, 1)` for one output, `(N, num_outputs)`
    /// otherwise; no NaN, whose rank is undefined: TorchMetrics ranks it
    /// arbitrarily) and appends it, as `dtype` when given.
    static func append(_ state: inout MetricState, _ inputs: MetricInputs, numOutputs: Int, floatOnly: Bool, as dtype: DType?, metric: String) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: metric)
        if floatOnly {
            try Check.floating(preds, metric: metric, "preds")
            try Check.floating(target, metric: metric, "target")
        }
        try RegressionOptions.validateColumns(preds, target, numOutputs: numOutputs, metric: metric)
        let p = dtype.map { preds.cast($0) } ?? preds, t = dtype.map { target.cast($0) } ?? target
        try Check.noNaN(p, metric: metric, "preds")
        try Check.noNaN(t, metric: metric, "target")
        let rows = [preds.shape[0], numOutputs]
        state.append("preds", try p.reshaped(rows))
        state.append("target", try t.reshaped(rows))
    }

    /// Column `c` of every stored batch of `name`, as one array.
    static func column<T: TensorElement>(_ state: MetricState, _ name: String, _ c: Int, numOutputs: Int, as _: T.Type) -> [T] {
        guard let all = state.concatenated(name) else { return [] }
        let flat = all.cast(T.dtype).toArray(T.self)
        if numOutputs == 1 { return flat }
        return stride(from: c, to: flat.count, by: numOutputs).map { flat[$0] }
    }

    /// One value per output: a float32 scalar for one output, `[D]` otherwise.
    static func output(_ values: [Double]) -> Tensor {
        Tensor(values.map { Float($0) }, shape: values.count == 1 ? [] : [values.count])
    }
}

/// Spearman's rank correlation: Pearson's correlation of the average ranks,
/// `ρ = cov(r_p, r_t) / (σ(r_p) σ(r_t) + 1e-6)` with population moments,
/// clamped to [-1, 1] (TorchMetrics' formula; the 1e-6 makes a constant
/// input give 0 instead of NaN).
///
/// Inputs: float `preds` and `target` of shape `(N)` or `(N, 1)` for one
/// output, `(N, num_outputs)` otherwise; the value is a scalar or
/// `[num_outputs]`. Ties share the mean of their ranks. NaN is rejected
/// (its rank is undefined). States: `preds` and `target`, `cat` lists of
/// float64 `[N, num_outputs]` batches (float32 inputs convert exactly, and
/// float64 inputs keep their precision, as in TorchMetrics, so values that
/// differ below float32 precision never become ties).
/// Compute ranks each column with one stable radix sort.
public final class SpearmanCorrCoef: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "spearman_corrcoef", domain: .regression, summary: "Spearman's rank correlation coefficient",
        options: [RegressionOptions.numOutputs]
    ) { try SpearmanCorrCoef(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec(list: "preds"), StateSpec(list: "target")])
    public var higherIsBetter: Bool? { true }
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        numOutputs = options.int("num_outputs") ?? 1
    }

    /// Spearman's ρ over `numOutputs` outputs.
    public convenience init(numOutputs: Int = 1) throws { try self.init(["num_outputs": .int(numOutputs)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try RankCorrelationData.append(&state, inputs, numOutputs: numOutputs, floatOnly: true, as: .float64, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let values = (0..<numOutputs).map { c -> Double in
            let columns = [RankCorrelationData.column(state, "preds", c, numOutputs: numOutputs, as: Double.self),
                           RankCorrelationData.column(state, "target", c, numOutputs: numOutputs, as: Double.self)]
            // The two rankings are independent: one per core.
            let ranks = Ranking.concurrently(2) { i in Ranking.averageRanks(columns[i]) }
            return Self.correlation(ranks[0], ranks[1])
        }
        return .tensor(RankCorrelationData.output(values))
    }

    /// `cov(a, b) / (σ(a) σ(b) + 1e-6)` with population moments, clamped to [-1, 1].
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let x = a[i] - ma, y = b[i] - mb
            sab += x * y; saa += x * x; sbb += y * y
        }
        let r = (sab / n) / ((saa / n).squareRoot() * (sbb / n).squareRoot() + 1e-6)
        return Swift.min(1, Swift.max(-1, r))
    }
}
