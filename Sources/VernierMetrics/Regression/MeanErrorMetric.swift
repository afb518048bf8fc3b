import VernierCore
import VernierTensor

/// The math of one regression metric that averages a per-element (or
/// per-sample) error (``MeanErrorMetric``): its registry facts, the name of
/// its sum state, and the sums and count of one batch.
public protocol MeanErrorFormula: Sendable {
    /// The metric's registry facts.
    static var info: MetricInfo { get }
    /// The name of the float64 sum state (TorchMetrics' name, e.g. `sum_squared_error`).
    static var sumState: String { get }
    /// Outputs (columns) scored separately: 1 gives a scalar, more a `[num_outputs]` value. Default 1.
    var numOutputs: Int { get }
    /// Reads and checks the formula's own options.
    init(options: MetricOptions, metric: String) throws
    /// Validates one batch; returns its error sums (float64, shape `[]` for
    /// one output or `[num_outputs]`) and the number of elements or rows they cover.
    ///
    /// - Throws: ``MetricError/invalidInput(metric:argument:expected:)`` for a batch the metric cannot score.
    func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64)
    /// The value from the mean error `sum / total` (float64). Default: the mean itself.
    func value(mean: Tensor) -> Tensor
}

extension MeanErrorFormula {
    /// One output.
    public var numOutputs: Int { 1 }
    /// The mean itself.
    public func value(mean: Tensor) -> Tensor { mean }
}

/// A mean-error formula without options of its own.
public protocol PlainMeanErrorFormula: MeanErrorFormula {
    /// The formula.
    init()
}

extension PlainMeanErrorFormula {
    /// The formula; it reads no option.
    public init(options: MetricOptions, metric: String) { self.init() }
}

/// A mean-error formula whose only own option is `num_outputs`.
public protocol ColumnMeanErrorFormula: MeanErrorFormula {
    /// The formula over `numOutputs` columns.
    init(numOutputs: Int)
}

extension ColumnMeanErrorFormula {
    /// Reads `num_outputs` (default 1).
    public init(options: MetricOptions, metric: String) { self.init(numOutputs: options.int("num_outputs") ?? 1) }
}

/// A regression metric that averages an error, e.g. ``MeanSquaredError``:
/// the states are the formula's float64 sum (per output) and an int64
/// `total`, both summed; the value is `Formula.value(mean: sum / total)` as
/// float32. An empty batch is an error (the formula's checks); NaN inputs
/// give NaN, as in TorchMetrics.
public final class MeanErrorMetric<Formula: MeanErrorFormula>: RegisteredMetric {
    /// The registry entry.
    public static var descriptor: MetricDescriptor { Formula.info.descriptor(of: Self.self, domain: .regression) }

    /// The registry name.
    public var name: String { Formula.info.name }
    /// The resolved options.
    public let options: MetricOptions
    /// The formula, with its own options.
    public let formula: Formula
    /// States, update count and cached value.
    public var storage: MetricStorage
    /// The formula's direction.
    public var higherIsBetter: Bool? { Formula.info.higherIsBetter }

    /// Builds the metric from resolved options.
    public init(options: MetricOptions) throws {
        self.options = options
        formula = try Formula(options: options, metric: Formula.info.name)
        storage = MetricStorage([
            StateSpec(Formula.sumState, .zeros(RegressionOptions.shape(formula.numOutputs), dtype: .float64), .sum),
            StateSpec("total", .zeros([], dtype: .int64), .sum),
        ])
    }

    /// Validates the batch and adds its sums and count.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        let (sums, count) = try formula.batch(preds: preds, target: target, metric: name)
        state[Formula.sumState] = state[Formula.sumState] + sums
        state["total"] = state["total"] + Tensor.scalar(count)
    }

    /// `Formula.value(mean: sum / total)` as float32.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor(formula.value(mean: state[Formula.sumState] / state["total"]).cast(.float32))
    }
}

extension MeanErrorMetric where Formula: PlainMeanErrorFormula {
    /// The metric (it has no options).
    public convenience init() throws { try self.init([:]) }
}

extension MeanErrorMetric where Formula: ColumnMeanErrorFormula {
    /// The metric over `numOutputs` outputs.
    public convenience init(numOutputs: Int = 1) throws { try self.init(["num_outputs": .int(numOutputs)]) }
}
