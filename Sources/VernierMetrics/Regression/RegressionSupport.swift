import VernierCore
import VernierTensor

/// Option declarations and input checks shared by the regression metrics.
enum RegressionOptions {
    static let numOutputs = OptionSpec("num_outputs", .int(min: 1), default: .int(1), help: "number of outputs (columns) scored separately")

    static let multioutput = OptionSpec("multioutput", .choice(["raw_values", "uniform_average", "variance_weighted"]), default: .string(MultioutputAverage.uniformAverage.rawValue),
                                        help: "raw_values: one score per output; uniform_average: their mean; variance_weighted: weighted by target variance")

    /// `preds` and `target` of one update.
    static func pair(_ inputs: MetricInputs, metric: String) throws -> (Tensor, Tensor) {
        (try inputs.tensor("preds", metric: metric), try inputs.tensor("target", metric: metric))
    }

    /// Checks `preds`/`target` of a `num_outputs` metric that flattens one
    /// output: equal shapes, non-empty, and `(N, num_outputs)` when
    /// `num_outputs > 1` (TorchMetrics silently broadcasts a 1-D input there).
    static func validate(_ preds: Tensor, _ target: Tensor, numOutputs: Int, metric: String) throws {
        try Check.sameShape(preds, target, metric: metric)
        try Check.nonEmpty(preds, metric: metric, "preds")
        if numOutputs > 1 {
            guard preds.rank == 2, preds.shape[1] == numOutputs else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, \(numOutputs)) for num_outputs=\(numOutputs), got \(preds.shape)")
            }
        }
    }

    /// Checks `preds`/`target` of a metric that scores columns (TorchMetrics'
    /// `_check_data_shape_to_num_outputs`): equal shapes, non-empty, `(N)` or
    /// `(N, 1)` for one output, `(N, num_outputs)` otherwise.
    static func validateColumns(_ preds: Tensor, _ target: Tensor, numOutputs: Int, metric: String) throws {
        try Check.sameShape(preds, target, metric: metric)
        try Check.nonEmpty(preds, metric: metric, "preds")
        let ok = numOutputs == 1 ? (preds.rank == 1 || (preds.rank == 2 && preds.shape[1] == 1)) : (preds.rank == 2 && preds.shape[1] == numOutputs)
        guard ok else {
            let want = numOutputs == 1 ? "(N) or (N, 1)" : "(N, \(numOutputs))"
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape \(want) for num_outputs=\(numOutputs), got \(preds.shape)")
        }
    }

    /// The state shape for `num_outputs` (`[]` for one output).
    static func shape(_ numOutputs: Int) -> [Int] { numOutputs == 1 ? [] : [numOutputs] }

    /// Sums of `term` per output for one batch, and the rows counted.
    static func sums(_ term: PairwiseTerm, _ preds: Tensor, _ target: Tensor, numOutputs: Int) throws -> (Tensor, Int64) {
        let p = numOutputs == 1 ? preds.flattened() : preds
        let t = numOutputs == 1 ? target.flattened() : target
        let s = try Tensor.sumOverRows(term, p, t)
        let rows = numOutputs == 1 ? Int64(p.count) : Int64(p.shape[0])
        return (Tensor(s, shape: shape(numOutputs)), rows)
    }

    /// The number of `(N, ...)` rows and of columns (the product of the other dimensions).
    static func rowsAndColumns(_ t: Tensor) -> (rows: Int, columns: Int) {
        if t.rank == 0 { return (1, 1) }
        return (t.shape[0], t.shape.dropFirst().reduce(1, *))
    }
}

/// One pass over two equally shaped tensors that sums up to four
/// elementwise terms per column, without materialising them.
enum FusedSums {
    /// `Σᵢ f(a[i, c], b[i, c])` for every column `c` of `[rows, columns]`
    /// data, formed and accumulated in Float64 (blocks of rows summed in
    /// order; large inputs split across cores, chunk results combined in
    /// order, so the result is deterministic for a thread count).
    ///
    /// Both tensors are read as float32 when both are float32, as float64 otherwise.
    static func columns(_ a: Tensor, _ b: Tensor, columns: Int, _ f: (Double, Double) -> SIMD4<Double>) -> [SIMD4<Double>] {
        precondition(a.count == b.count && columns > 0 && a.count % columns == 0, "FusedSums: mismatched inputs")
        let dt: DType = a.dtype == .float32 && b.dtype == .float32 ? .float32 : .float64
        let x = a.cast(dt), y = b.cast(dt)
        switch dt {
        case .float32: return run(x, y, columns, Float.self, f)
        default: return run(x, y, columns, Double.self, f)
        }
    }

    @inline(__always)
    private static func run<T: FloatElement>(_ a: Tensor, _ b: Tensor, _ cols: Int, _: T.Type, _ f: (Double, Double) -> SIMD4<Double>) -> [SIMD4<Double>] {
        let rows = a.count / cols
        return a.withUnsafeBuffer(as: T.self) { pa in
            b.withUnsafeBuffer(as: T.self) { pb in
                guard let pa = pa.baseAddress, let pb = pb.baseAddress else { return [SIMD4<Double>](repeating: .zero, count: cols) }
                let minRows = Swift.max(1, Parallelism.minimumElementsPerTask / cols)
                let parts = Parallelism.mapChunks(rows, minimumPerTask: minRows, initial: [SIMD4<Double>]()) { r in
                    var total = [SIMD4<Double>](repeating: .zero, count: cols)
                    var block = total
                    var i = r.lowerBound
                    while i < r.upperBound {
                        let end = Swift.min(r.upperBound, i + 1024)
                        if cols == 1 {
                            var s0 = SIMD4<Double>.zero, s1 = SIMD4<Double>.zero
                            while i + 2 <= end {
                                s0 += f(pa[i].doubleValue, pb[i].doubleValue)
                                s1 += f(pa[i + 1].doubleValue, pb[i + 1].doubleValue)
                                i += 2
                            }
                            if i < end { s0 += f(pa[i].doubleValue, pb[i].doubleValue); i += 1 }
                            total[0] += s0 + s1
                        } else {
                            for c in 0..<cols { block[c] = .zero }
                            while i < end {
                                let base = i * cols
                                for c in 0..<cols { block[c] += f(pa[base + c].doubleValue, pb[base + c].doubleValue) }
                                i += 1
                            }
                            for c in 0..<cols { total[c] += block[c] }
                        }
                    }
                    return total
                }
                var out = [SIMD4<Double>](repeating: .zero, count: cols)
                for p in parts { for c in 0..<cols { out[c] += p[c] } }
                return out
            }
        }
    }
}

/// How per-sample scores are reduced (TorchMetrics' `reduction`).
public enum SampleReduction: String, Sendable {
    /// The mean over samples.
    case mean
    /// The sum over samples.
    case sum
    /// One value per sample (`None` is read as `none`).
    case none

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

/// How per-output scores are combined (TorchMetrics' `multioutput`).
public enum MultioutputAverage: String, Sendable {
    /// One score per output.
    case rawValues = "raw_values"
    /// The mean of the outputs' scores.
    case uniformAverage = "uniform_average"
    /// The outputs' scores weighted by their target variance.
    case varianceWeighted = "variance_weighted"

    init(_ options: MetricOptions) {
        self = MultioutputAverage(rawValue: options.string("multioutput") ?? "") ?? .uniformAverage
    }
}
