import VernierCore
import VernierTensor

/// Explained variance, `EV = 1 - Var(target - preds) / Var(target)` per
/// output (population variances).
///
/// Inputs: `preds` and `target` of equal shape `(N, ...)`; each position of
/// `...` is an output (the width comes from the data; batches must agree).
/// `multioutput`: `raw_values` (the scores, shaped `...`; a scalar for 1-D
/// input), `uniform_average` (default), `variance_weighted` (weights the
/// target variances).
///
/// Edge cases (as TorchMetrics): an output whose errors are all equal
/// (zero error variance) scores 1; one whose target is constant (and errors
/// are not) scores 0. Constancy is read from the exact ranges, so rounding
/// cannot turn a zero variance into a tiny one. State: the list `moments`
/// (see ``ErrorMoments``), merged with Chan's pairwise update.
public final class ExplainedVariance: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "explained_variance", domain: .regression, summary: "explained variance",
        options: [RegressionOptions.multioutput]
    ) { try ExplainedVariance(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec(list: ErrorMoments.listState)])
    public var higherIsBetter: Bool? { true }
    let multioutput: MultioutputAverage

    public init(options: MetricOptions) throws {
        self.options = options
        multioutput = MultioutputAverage(options)
    }

    /// Explained variance reduced by `multioutput`.
    public convenience init(multioutput: MultioutputAverage = .uniformAverage) throws { try self.init(["multioutput": .string(multioutput.rawValue)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try Check.sameShape(preds, target, metric: name)
        try Check.nonEmpty(preds, metric: name, "preds")
        try Check.rank(preds, atLeast: 1, metric: name, "preds", why: "(N, ...) samples")
        let trailing = Array(preds.shape.dropFirst())
        let columns = RegressionOptions.rowsAndColumns(preds).columns
        try ErrorMoments.fold(&state, try ErrorMoments.batch(preds, target, columns: columns), trailing: trailing, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let (moments, trailing, _) = try ErrorMoments.combined(state.list(ErrorMoments.listState), metric: name)
        let variances = moments.map { $0.isConstantY ? 0 : $0.m2Y / $0.n }
        let scores = zip(moments, variances).map { m, targetVariance -> Double in
            let errorVariance = m.isConstantX ? 0 : m.m2X / m.n
            if errorVariance == 0 { return 1 }
            return targetVariance == 0 ? 0 : 1 - errorVariance / targetVariance
        }
        let (values, shape) = ErrorMoments.reduce(scores, weights: variances, multioutput: multioutput, trailing: trailing)
        return .tensor(Tensor(values.map { Float($0) }, shape: shape))
    }
}
