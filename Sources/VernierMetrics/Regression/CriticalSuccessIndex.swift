import VernierCore
import VernierTensor

/// Critical success index (threat score), `CSI = hits / (hits + misses + false alarms)`,
/// where an element is an event when its value is `>= threshold`: hits are
/// events in both preds and target, misses in target only, false alarms in
/// preds only.
///
/// Options: `threshold` (required); `keep_sequence_dim` (None by default):
/// the index of a dimension kept apart, giving one CSI per position along
/// it (positions of successive batches are concatenated, so the value is
/// `[Σ sizes]`). Inputs: `preds` and `target` of equal shape. States:
/// `hits`, `misses`, `false_alarms` (int64, summed), or with
/// `keep_sequence_dim` `cat` lists of per-position counts. No event at all
/// (0/0) gives 0; NaN is never an event.
public final class CriticalSuccessIndex: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "critical_success_index", domain: .regression, summary: "critical success index (threat score) of thresholded events",
        options: [OptionSpec("threshold", .double(), default: .none, help: "values >= threshold are events (required)"),
                  OptionSpec("keep_sequence_dim", .optional(.int(min: 0)), default: .none, help: "a dimension scored position by position")]
    ) { try CriticalSuccessIndex(options: $0) }

    static let counts = ["hits", "misses", "false_alarms"]

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let threshold: Double
    let keepDim: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        threshold = options.double("threshold") ?? 0
        keepDim = options.int("keep_sequence_dim")
        storage = MetricStorage(keepDim == nil ? Self.counts.map { StateSpec($0, .zeros([], dtype: .int64), .sum) }
                                               : Self.counts.map { StateSpec(list: $0) })
    }

    /// CSI of events `>= threshold`, per position along `keepSequenceDim` when given.
    public convenience init(threshold: Double, keepSequenceDim: Int? = nil) throws {
        try self.init(["threshold": .double(threshold), "keep_sequence_dim": keepSequenceDim.map { .int($0) } ?? .none])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try Check.sameShape(preds, target, metric: name)
        try Check.nonEmpty(preds, metric: name, "preds")
        if let keepDim, keepDim >= preds.rank {
            throw MetricError.invalidInput(metric: name, argument: "preds", expected: "more than keep_sequence_dim=\(keepDim) dimensions, got shape \(preds.shape)")
        }
        let positions = keepDim.map { preds.shape[$0] } ?? 1
        let inner = keepDim.map { preds.shape[($0 + 1)...].reduce(1, *) } ?? 1
        var tallies = [[Int64]](repeating: [Int64](repeating: 0, count: positions), count: 3)
        let p = preds.toDoubles(), t = target.toDoubles()
        // Compared in each tensor's own precision, like TorchMetrics: a float32 0.7 is an event for threshold 0.7.
        let predsThreshold = preds.dtype == .float32 ? Double(Float(threshold)) : threshold
        let targetThreshold = target.dtype == .float32 ? Double(Float(threshold)) : threshold
        for i in p.indices {
            let predicted = p[i] >= predsThreshold, observed = t[i] >= targetThreshold
            guard predicted || observed else { continue }
            let k = (i / inner) % positions
            tallies[predicted && observed ? 0 : (observed ? 1 : 2)][k] += 1
        }
        for (name, values) in zip(Self.counts, tallies) {
            if keepDim == nil { state[name] = state[name] + Tensor.scalar(values[0]) } else { state.append(name, Tensor(values)) }
        }
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let totals = Self.counts.map { keepDim == nil ? state[$0].toDoubles() : (state.concatenated($0)?.toDoubles() ?? []) }
        let values = (0..<totals[0].count).map { k -> Float in
            let denominator = totals[0][k] + totals[1][k] + totals[2][k]
            return denominator == 0 ? 0 : Float(totals[0][k] / denominator)
        }
        return .tensor(Tensor(values, shape: keepDim == nil ? [] : [values.count]))
    }
}
