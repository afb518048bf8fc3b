import VernierCore
import VernierTensor

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

    /// Cosine similarity reduced by `reduction`.
    public convenience init(reduction: SampleReduction = .sum) throws { try self.init(["reduction": .string(reduction.rawValue)]) }

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
