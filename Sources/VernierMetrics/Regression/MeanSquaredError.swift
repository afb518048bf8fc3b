import Foundation
import VernierCore
import VernierTensor

/// Mean squared error, `MSE = Σ (preds - target)² / N`; with
/// `squared=false` the root, `RMSE = √MSE`.
///
/// Inputs: `preds` and `target` of equal shape; `(N, num_outputs)` when
/// `num_outputs > 1` (one value per output, `[num_outputs]`). Extra
/// dimensions are flattened for one output. States: `sum_squared_error`
/// (float64, summed) and `total` (int64 count, summed). An empty batch is an
/// error; NaN inputs propagate to a NaN result, as in TorchMetrics.
public final class MeanSquaredError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "mean_squared_error", domain: .regression, summary: "mean squared error (or its root with squared=false)",
        options: [OptionSpec("squared", .bool, default: .bool(true), help: "false returns the root mean squared error"), RegressionOptions.numOutputs]
    ) { try MeanSquaredError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let squared: Bool
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        squared = options.bool("squared") ?? true
        numOutputs = options.int("num_outputs") ?? 1
        let shape = RegressionOptions.shape(numOutputs)
        storage = MetricStorage([
            StateSpec("sum_squared_error", .zeros(shape, dtype: .float64), .sum),
            StateSpec("total", .zeros([], dtype: .int64), .sum),
        ])
    }

    /// MSE (or RMSE with `squared: false`) over `numOutputs` outputs.
    public convenience init(squared: Bool = true, numOutputs: Int = 1) throws {
        try self.init(["squared": .bool(squared), "num_outputs": .int(numOutputs)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let preds = try inputs.tensor("preds", metric: name), target = try inputs.tensor("target", metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: numOutputs, metric: name)
        let (sse, rows) = try RegressionOptions.sums(.squaredDifference, preds, target, numOutputs: numOutputs)
        state["sum_squared_error"] = state["sum_squared_error"] + sse
        state["total"] = state["total"] + Tensor.scalar(rows)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let mse = state["sum_squared_error"] / state["total"]
        return .tensor((squared ? mse : mse.sqrt()).cast(.float32))
    }
}

/// Mean absolute error, `MAE = Σ |preds - target| / N`.
///
/// Inputs as ``MeanSquaredError`` (`num_outputs` gives one value per output).
/// States: `sum_abs_error` (float64) and `total` (int64), summed. An empty
/// batch is an error; NaN inputs give NaN.
public final class MeanAbsoluteError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "mean_absolute_error", domain: .regression, summary: "mean absolute error",
        options: [RegressionOptions.numOutputs]
    ) { try MeanAbsoluteError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        numOutputs = options.int("num_outputs") ?? 1
        storage = MetricStorage([
            StateSpec("sum_abs_error", .zeros(RegressionOptions.shape(numOutputs), dtype: .float64), .sum),
            StateSpec("total", .zeros([], dtype: .int64), .sum),
        ])
    }

    /// MAE over `numOutputs` outputs.
    public convenience init(numOutputs: Int = 1) throws { try self.init(["num_outputs": .int(numOutputs)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let preds = try inputs.tensor("preds", metric: name), target = try inputs.tensor("target", metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: numOutputs, metric: name)
        let (sae, rows) = try RegressionOptions.sums(.absoluteDifference, preds, target, numOutputs: numOutputs)
        state["sum_abs_error"] = state["sum_abs_error"] + sae
        state["total"] = state["total"] + Tensor.scalar(rows)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor((state["sum_abs_error"] / state["total"]).cast(.float32))
    }
}
