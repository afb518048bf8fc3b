import VernierCore
import VernierTensor

/// Top-label calibration error from binned confidences (TorchMetrics'
/// `_ce_compute` with `_binning_bucketize`), kept as constant-memory sums.
///
/// Bins: the boundaries `linspace(0, 1, n_bins + 1)` in the confidences'
/// dtype; a confidence `c` falls in bin `k` when `b[k] <= c < b[k+1]`, so a
/// confidence of exactly 1 has a bin of its own (bin `n_bins`, as in
/// TorchMetrics). States: `bin_count` (int64 `[n_bins + 1]`), `bin_confidence`
/// and `bin_accuracy` (float64 sums `[n_bins + 1]`), all summed, plus `format_counts`.
enum CalibrationFormula {
    static let nBins = OptionSpec("n_bins", .int(min: 1), default: .int(15), help: "number of equal-width confidence bins over [0, 1]")
    static let norm = OptionSpec("norm", .choice(["l1", "l2", "max"]), default: .string("l1"),
                                 help: "l1: expected calibration error; l2: root mean square; max: maximum calibration error")

    static func specs(_ bins: Int) -> [StateSpec] {
        [StateSpec("bin_count", .zeros([bins + 1], dtype: .int64), .sum),
         StateSpec("bin_confidence", .zeros([bins + 1], dtype: .float64), .sum),
         StateSpec("bin_accuracy", .zeros([bins + 1], dtype: .float64), .sum),
         ScoreReading.formatSpec]
    }

    /// Adds confidences (float32 or float64 `[M]`) and their 0/1 accuracies to the bin sums.
    static func fold(_ state: inout MetricState, confidences: Tensor, accuracies: [Bool], bins: Int) throws {
        // The boundaries are in the confidences' own dtype and compared there, like torch.bucketize.
        let edges = Tensor.linspace(0, 1, count: bins + 1, dtype: confidences.dtype)
        let bucket = try edges.searchsorted(confidences, right: true).toArray(Int64.self)
        let conf = confidences.toDoubles()
        var count = [Int64](repeating: 0, count: bins + 1)
        var confSum = [Double](repeating: 0, count: bins + 1), accSum = confSum
        for i in conf.indices {
            let k = Swift.max(Int(bucket[i]) - 1, 0)
            count[k] += 1
            confSum[k] += conf[i]
            if accuracies[i] { accSum[k] += 1 }
        }
        state["bin_count"] = state["bin_count"] + Tensor(count)
        state["bin_confidence"] = state["bin_confidence"] + Tensor(confSum)
        state["bin_accuracy"] = state["bin_accuracy"] + Tensor(accSum)
    }

    /// With per-bin accuracy `a_k`, mean confidence `c_k` (0 for an empty bin)
    /// and share of samples `p_k`: `l1` = `Σ |a_k - c_k| p_k`; `l2` =
    /// `sqrt(Σ (a_k - c_k)² p_k)`; `max` = `max_k |a_k - c_k|` (over every bin).
    ///
    /// - Throws: when no sample was counted (every batch empty or every target ignored).
    static func compute(_ state: MetricState, norm: String, metric: String) throws -> MetricValue {
        let count = state["bin_count"].toArray(Int64.self)
        let conf = state["bin_confidence"].toDoubles(), acc = state["bin_accuracy"].toDoubles()
        let total = Double(count.reduce(0, +))
        guard total > 0 else {
            throw MetricError.failed(metric: metric, detail: "no samples to compute on: every batch was empty or every target was ignored")
        }
        var l1 = 0.0, l2 = 0.0, worst = 0.0
        for k in count.indices {
            let n = Double(count[k])
            let gap = n > 0 ? Swift.abs(acc[k] / n - conf[k] / n) : 0
            l1 += gap * n / total
            l2 += gap * gap * n / total
            worst = Swift.max(worst, gap)
        }
        switch norm {
        case "l2": return .scalar(l2 > 0 ? l2.squareRoot() : 0)
        case "max": return .scalar(worst)
        default: return .scalar(l1)
        }
    }
}

/// Calibration error of binary probabilities: the positive-class
/// probability is the confidence, the target (0/1) the accuracy; binned as
/// ``CalibrationFormula`` describes and reduced by `norm` (`l1` expected
/// calibration error, `l2`, `max`).
///
/// Inputs: `preds (N, ...)` probabilities or logits (sigmoid), `target (N,
/// ...)` 0/1 or `ignore_index` (dropped); extra dimensions are flattened.
/// No sample at all: an error. Output: a float32 scalar.
public final class BinaryCalibrationError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_calibration_error", domain: .classification, summary: "binned calibration error of binary probabilities (l1/l2/max)",
        options: [CalibrationFormula.nBins, CalibrationFormula.norm, CurveOptions.ignoreIndex, CurveOptions.validateArgs, CurveOptions.inputFormat]
    ) { try BinaryCalibrationError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let bins: Int
    let norm: String
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        bins = options.int("n_bins") ?? 15
        norm = options.string("norm") ?? "l1"
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        storage = MetricStorage(CalibrationFormula.specs(bins))
    }

    /// Binary calibration error with `nBins` bins and `norm` `"l1"`, `"l2"` or `"max"`.
    public convenience init(nBins: Int = 15, norm: String = "l1", ignoreIndex: Int? = nil) throws {
        try self.init(["n_bins": .int(nBins), "norm": .string(norm), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let batch = try CurveInput.binaryScores(try inputs.tensor("preds", metric: name), try inputs.tensor("target", metric: name),
                                                ignoreIndex: ignoreIndex, format: inputFormat, allowFloatTarget: true, metric: name)
        let accuracies = batch.target.withUnsafeBuffer(as: UInt8.self) { $0.map { $0 == 1 } }
        try CalibrationFormula.fold(&state, confidences: batch.scores, accuracies: accuracies, bins: bins)
        ScoreReading.record(&state, logits: batch.logits)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        try CalibrationFormula.compute(state, norm: norm, metric: name)
    }
}

/// Top-label calibration error of multiclass probabilities: each sample's
/// confidence is its highest class probability (float32), its accuracy
/// whether that class (the first highest) is the target; binned as
/// ``CalibrationFormula`` describes and reduced by `norm`.
///
/// Inputs: `preds (N, C, ...)` probabilities or logits (softmax over C),
/// `target (N, ...)` labels in [0, C) or `ignore_index` (dropped). No sample
/// at all: an error. Output: a float32 scalar.
public final class MulticlassCalibrationError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_calibration_error", domain: .classification, summary: "binned top-label calibration error of multiclass probabilities (l1/l2/max)",
        options: [CurveOptions.numClasses, CalibrationFormula.nBins, CalibrationFormula.norm, CurveOptions.ignoreIndex, CurveOptions.validateArgs,
                  CurveOptions.inputFormat]
    ) { try MulticlassCalibrationError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let numClasses: Int
    let bins: Int
    let norm: String
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numClasses = options.int("num_classes") ?? 2
        bins = options.int("n_bins") ?? 15
        norm = options.string("norm") ?? "l1"
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        storage = MetricStorage(CalibrationFormula.specs(bins))
    }

    /// Multiclass calibration error over `numClasses` classes.
    public convenience init(numClasses: Int, nBins: Int = 15, norm: String = "l1", ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "n_bins": .int(nBins), "norm": .string(norm), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let batch = try CurveInput.multiclassScores(try inputs.tensor("preds", metric: name), try inputs.tensor("target", metric: name),
                                                    numClasses: numClasses, ignoreIndex: ignoreIndex, format: inputFormat, metric: name)
        let c = numClasses
        let rows = batch.target.count
        var confidences = [Float](repeating: 0, count: rows)
        var accuracies = [Bool](repeating: false, count: rows)
        let scores = batch.scores.cast(.float64)
        scores.withUnsafeBuffer(as: Double.self) { s in
            batch.target.withUnsafeBuffer(as: Int32.self) { t in
                for r in 0..<rows {
                    var best = 0
                    for k in 1..<c where s[r * c + k] > s[r * c + best] { best = k }
                    confidences[r] = Float(s[r * c + best])
                    accuracies[r] = best == Int(t[r])
                }
            }
        }
        try CalibrationFormula.fold(&state, confidences: Tensor(confidences), accuracies: accuracies, bins: bins)
        ScoreReading.record(&state, logits: batch.logits)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        try CalibrationFormula.compute(state, norm: norm, metric: name)
    }
}
