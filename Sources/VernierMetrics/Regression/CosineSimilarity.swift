import VernierCore
import VernierTensor

/// How per-sample scores are reduced (TorchMetrics' `reduction`).
enum SampleReduction: String {
    case mean, sum, none

    init(_ options: MetricOptions, default def: SampleReduction) {
        self = options.isNone("reduction") ? .none : SampleReduction(rawValue: options.string("reduction") ?? def.rawValue) ?? def
    }

    /// The states: a float64 sum and an int64 count, or (for `none`) a `cat`
    /// list of the per-sample float32 scores.
    var stateSpecs: [StateSpec] {
        self == .none ? [StateSpec(list: "scores")]
            : [StateSpec("score_sum", .zeros([], dtype: .float64), .sum), StateSpec("total", .zeros([], dtype: .int64), .sum)]
    }

    /// Folds one batch of per-sample scores into the states.
    func fold(_ state: inout MetricState, _ scores: [Double]) {
        if self == .none {
            state.append("scores", Tensor(scores.map { Float($0) }))
        } else {
            state["score_sum"] = state["score_sum"] + Tensor.scalar(scores.reduce(0, +), dtype: .float64)
            state["total"] = state["total"] + Tensor.scalar(Int64(scores.count))
        }
    }

    /// The sum, the mean, or every score (`[N]`).
    func value(_ state: MetricState) -> MetricValue {
        switch self {
        case .none: return .tensor(state.concatenated("scores") ?? .zeros([0]))
        case .sum: return .tensor(state["score_sum"].cast(.float32))
        case .mean: return .tensor((state["score_sum"] / state["total"]).cast(.float32))
        }
    }

    static func option(default def: String) -> OptionSpec {
        OptionSpec("reduction", .choice(["mean", "sum", "none", "None"]), default: .string(def),
                   help: "mean or sum over samples, or none for one value per sample")
    }
}

/// The rows of a 2-D `[N, D]` tensor as float64 values, read once.
struct Rows {
    let values: [Double]
    let count: Int
    let width: Int

    init(_ t: Tensor) {
        values = t.cast(.float64).toArray(Double.self)
        count = t.shape[0]
        width = t.shape[1]
    }

    subscript(row: Int) -> ArraySlice<Double> { values[(row * width)..<((row + 1) * width)] }
}

/// Cosine similarity of each pair of rows, `p·t / (‖p‖ ‖t‖)`, reduced by
/// `reduction` (`sum` by default, `mean`, or `none` for one value per row).
///
/// Inputs: `preds` and `target` of shape `(N, D)`. A zero row has no
/// direction: its similarity is NaN (0/0), as in TorchMetrics. States: a
/// float64 sum and an int64 count, or for `none` a `cat` list of float32
/// similarities (one per row, not the rows themselves).
public final class CosineSimilarity: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "cosine_similarity", domain: .regression, summary: "cosine similarity of preds and target rows",
        options: [SampleReduction.option(default: "sum")]
    ) { try CosineSimilarity(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let reduction: SampleReduction

    public init(options: MetricOptions) throws {
        self.options = options
        reduction = SampleReduction(options, default: .sum)
        storage = MetricStorage(reduction.stateSpecs)
    }

    /// Cosine similarity reduced by `reduction` (`"sum"`, `"mean"` or `"none"`).
    public convenience init(reduction: String = "sum") throws { try self.init(["reduction": .string(reduction)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try Check.sameShape(preds, target, metric: name)
        guard preds.rank == 2 else {
            throw MetricError.invalidInput(metric: name, argument: "preds", expected: "a 2-D (N, D) tensor, got shape \(preds.shape)")
        }
        try Check.nonEmpty(preds, metric: name, "preds")
        let p = Rows(preds), t = Rows(target)
        let scores = (0..<p.count).map { r -> Double in
            var dot = 0.0, pp = 0.0, tt = 0.0
            for (a, b) in zip(p[r], t[r]) {
                dot += a * b; pp += a * a; tt += b * b
            }
            return dot / (pp.squareRoot() * tt.squareRoot())
        }
        reduction.fold(&state, scores)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { reduction.value(state) }
}
