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
public struct MeanSquaredErrorFormula: MeanErrorFormula {
    /// `mean_squared_error`, options `squared` and `num_outputs`; lower is better.
    public static let info = MetricInfo(
        name: "mean_squared_error", summary: "mean squared error (or its root with squared=false)",
        options: [OptionSpec("squared", .bool, default: .bool(true), help: "false returns the root mean squared error"), RegressionOptions.numOutputs],
        higherIsBetter: false)
    /// `sum_squared_error`.
    public static let sumState = "sum_squared_error"
    /// Whether the value is the MSE (true) or its root.
    public let squared: Bool
    /// `num_outputs`.
    public let numOutputs: Int

    /// Reads `squared` and `num_outputs`.
    public init(options: MetricOptions, metric: String) {
        squared = options.bool("squared") ?? true
        numOutputs = options.int("num_outputs") ?? 1
    }

    /// The squared differences summed per output.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        try RegressionOptions.validate(preds, target, numOutputs: numOutputs, metric: metric)
        return try RegressionOptions.sums(.squaredDifference, preds, target, numOutputs: numOutputs)
    }

    /// The MSE, or its root.
    public func value(mean: Tensor) -> Tensor { squared ? mean : mean.sqrt() }
}

/// Mean absolute error, `MAE = Σ |preds - target| / N`.
///
/// Inputs as ``MeanSquaredErrorFormula`` (`num_outputs` gives one value per
/// output). States: `sum_abs_error` (float64) and `total` (int64), summed.
/// An empty batch is an error; NaN inputs give NaN.
public struct MeanAbsoluteErrorFormula: ColumnMeanErrorFormula {
    /// `mean_absolute_error`, option `num_outputs`; lower is better.
    public static let info = MetricInfo(name: "mean_absolute_error", summary: "mean absolute error", options: [RegressionOptions.numOutputs],
                                        higherIsBetter: false)
    /// `sum_abs_error`.
    public static let sumState = "sum_abs_error"
    /// `num_outputs`.
    public let numOutputs: Int
    /// The formula over `numOutputs` outputs.
    public init(numOutputs: Int) { self.numOutputs = numOutputs }

    /// The absolute differences summed per output.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        try RegressionOptions.validate(preds, target, numOutputs: numOutputs, metric: metric)
        return try RegressionOptions.sums(.absoluteDifference, preds, target, numOutputs: numOutputs)
    }
}

extension MeanErrorMetric where Formula == MeanSquaredErrorFormula {
    /// MSE (or RMSE with `squared: false`) over `numOutputs` outputs.
    public convenience init(squared: Bool = true, numOutputs: Int = 1) throws {
        try self.init(["squared": .bool(squared), "num_outputs": .int(numOutputs)])
    }
}

/// Mean squared error (see ``MeanSquaredErrorFormula``).
public typealias MeanSquaredError = MeanErrorMetric<MeanSquaredErrorFormula>

/// Mean absolute error (see ``MeanAbsoluteErrorFormula``).
public typealias MeanAbsoluteError = MeanErrorMetric<MeanAbsoluteErrorFormula>
