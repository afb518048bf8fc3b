import VernierCore
import VernierTensor

/// The hinge losses (TorchMetrics' `_binary_hinge_loss_update`,
/// `_multiclass_hinge_loss_update`): the mean over samples of
/// `max(0, 1 - margin)`, squared with `squared=true`.
///
/// States: `measures` (float64 sum of the losses: `[]`, or `[C]` for
/// one-vs-all), `total` (int64 sample count), both summed, and `format_counts`.
enum HingeFormula {
    static let squared = OptionSpec("squared", .bool, default: .bool(false), help: "square each hinge loss")
    static let mode = OptionSpec("multiclass_mode", .choice(["crammer-singer", "one-vs-all"]), default: .string("crammer-singer"),
                                 help: "crammer-singer: margin against the best other class; one-vs-all: one binary loss per class")

    @inline(__always)
    static func loss(_ margin: Double, squared: Bool) -> Double {
        let m = Swift.max(0, 1 - margin)
        return squared ? m * m : m
    }

    /// `measures / total`.
    ///
    /// - Throws: when no sample was counted (every batch empty or every target ignored).
    static func compute(_ state: MetricState, metric: String) throws -> MetricValue {
        let total = state["total"].int64Element(at: 0)
        guard total > 0 else {
            throw MetricError.failed(metric: metric, detail: "no samples to compute on: every batch was empty or every target was ignored")
        }
        return .tensor((state["measures"] / Double(total)).cast(.float32))
    }
}

/// Binary hinge loss: with `p` the probability (TorchMetrics applies the
/// sigmoid to logits here too) and the margin `p` for a positive target, `-p`
/// for a negative one, the mean of `max(0, 1 - margin)` (squared with
/// `squared=true`).
///
/// Inputs: `preds (N, ...)` probabilities or logits, `target (N, ...)` 0/1 or
/// `ignore_index` (dropped); extra dimensions are flattened. No sample at
/// all: an error. Output: a float32 scalar.
public final class BinaryHingeLoss: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_hinge_loss", domain: .classification, summary: "mean (squared) hinge loss of binary scores",
        options: [HingeFormula.squared, CurveOptions.ignoreIndex, CurveOptions.validateArgs, CurveOptions.inputFormat]
    ) { try BinaryHingeLoss(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let squared: Bool
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        squared = options.bool("squared") ?? false
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        storage = MetricStorage([StateSpec("measures", .zeros([], dtype: .float64), .sum), StateSpec("total", .zeros([], dtype: .int64), .sum),
                                 ScoreReading.formatSpec])
    }

    /// Binary (squared) hinge loss.
    public convenience init(squared: Bool = false, ignoreIndex: Int? = nil) throws {
        try self.init(["squared": .bool(squared), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let batch = try CurveInput.binaryScores(try inputs.tensor("preds", metric: name), try inputs.tensor("target", metric: name),
                                                ignoreIndex: ignoreIndex, format: inputFormat, allowFloatTarget: true, metric: name)
        var sum = 0.0
        batch.scores.cast(.float64).withUnsafeBuffer(as: Double.self) { p in
            batch.target.withUnsafeBuffer(as: UInt8.self) { t in
                for i in p.indices { sum += HingeFormula.loss(t[i] == 1 ? p[i] : -p[i], squared: squared) }
            }
        }
        state["measures"] = state["measures"] + Tensor.scalar(sum, dtype: .float64)
        state["total"] = state["total"] + Tensor.scalar(Int64(batch.target.count))
        ScoreReading.record(&state, logits: batch.logits)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { try HingeFormula.compute(state, metric: name) }
}

/// Multiclass hinge loss on probabilities `p` (softmax applied to logits):
/// `crammer-singer` (default) margin `p[target] - max_{k≠target} p[k]`, one
/// scalar; `one-vs-all` a binary hinge loss per class (margin `p[k]` when the
/// target is `k`, `-p[k]` otherwise), `[C]`. Mean over samples, squared with
/// `squared=true`.
///
/// Inputs: `preds (N, C, ...)`, `target (N, ...)` labels in [0, C) or
/// `ignore_index` (dropped). No sample at all: an error.
public final class MulticlassHingeLoss: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "multiclass_hinge_loss", domain: .classification, summary: "mean (squared) multiclass hinge loss (crammer-singer or one-vs-all)",
        options: [CurveOptions.numClasses, HingeFormula.squared, HingeFormula.mode, CurveOptions.ignoreIndex, CurveOptions.validateArgs,
                  CurveOptions.inputFormat]
    ) { try MulticlassHingeLoss(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let numClasses: Int
    let squared: Bool
    let oneVsAll: Bool
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numClasses = options.int("num_classes") ?? 2
        squared = options.bool("squared") ?? false
        oneVsAll = options.string("multiclass_mode") == "one-vs-all"
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        storage = MetricStorage([StateSpec("measures", .zeros(oneVsAll ? [numClasses] : [], dtype: .float64), .sum),
                                 StateSpec("total", .zeros([], dtype: .int64), .sum), ScoreReading.formatSpec])
    }

    /// Multiclass hinge loss; `multiclassMode` is `"crammer-singer"` or `"one-vs-all"`.
    public convenience init(numClasses: Int, squared: Bool = false, multiclassMode: String = "crammer-singer", ignoreIndex: Int? = nil) throws {
        try self.init(["num_classes": .int(numClasses), "squared": .bool(squared), "multiclass_mode": .string(multiclassMode),
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let batch = try CurveInput.multiclassScores(try inputs.tensor("preds", metric: name), try inputs.tensor("target", metric: name),
                                                    numClasses: numClasses, ignoreIndex: ignoreIndex, format: inputFormat, metric: name)
        let c = numClasses, rows = batch.target.count
        var sums = [Double](repeating: 0, count: oneVsAll ? c : 1)
        batch.scores.cast(.float64).withUnsafeBuffer(as: Double.self) { p in
            batch.target.withUnsafeBuffer(as: Int32.self) { t in
                for r in 0..<rows {
                    let label = Int(t[r]), row = r * c
                    if oneVsAll {
                        for k in 0..<c { sums[k] += HingeFormula.loss(k == label ? p[row + k] : -p[row + k], squared: squared) }
                    } else {
                        var other = -Double.infinity
                        for k in 0..<c where k != label { other = Swift.max(other, p[row + k]) }
                        sums[0] += HingeFormula.loss(p[row + label] - other, squared: squared)
                    }
                }
            }
        }
        state["measures"] = state["measures"] + Tensor(sums, shape: oneVsAll ? [c] : [])
        state["total"] = state["total"] + Tensor.scalar(Int64(rows))
        ScoreReading.record(&state, logits: batch.logits)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { try HingeFormula.compute(state, metric: name) }
}
