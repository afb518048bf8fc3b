import Foundation
import VernierCore
import VernierTensor

/// Mean squared log error, `MSLE = Σ (log(1 + preds) - log(1 + target))² / N`.
///
/// Inputs: `preds` and `target` of equal shape (flattened), every value
/// `>= -1` (below, the logarithm is undefined: TorchMetrics returns NaN,
/// Vernier rejects the batch; exactly -1 gives an infinite error). States:
/// `sum_squared_log_error` (float64) and `total` (int64), summed. An empty
/// batch is an error; NaN inputs give NaN.
public struct MeanSquaredLogErrorFormula: PlainMeanErrorFormula {
    /// `mean_squared_log_error`; lower is better.
    public static let info = MetricInfo(name: "mean_squared_log_error", summary: "mean squared error of log(1 + x)", higherIsBetter: false)
    /// `sum_squared_log_error`.
    public static let sumState = "sum_squared_log_error"
    /// The formula.
    public init() {}

    /// The squared log errors summed.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: metric)
        for (t, argument) in [(preds, "preds"), (target, "target")] where t.valueRange().min < -1 {
            throw MetricError.invalidInput(metric: metric, argument: argument, expected: "values >= -1 (log(1 + x) is undefined below), found \(t.valueRange().min)")
        }
        let s = FusedSums.columns(preds, target, columns: 1) { p, t in
            let d = Foundation.log1p(p) - Foundation.log1p(t)
            return SIMD4(d * d, 0, 0, 0)
        }
        return (Tensor.scalar(s[0][0], dtype: .float64), Int64(preds.count))
    }
}

/// Log-cosh error, `Σ log(cosh(preds - target)) / N` per output.
///
/// Evaluated as `|d| + log1p(exp(-2|d|)) - log 2`, which equals
/// `log((eᵈ + e⁻ᵈ) / 2)` without overflowing for large `|d|` (TorchMetrics
/// returns inf beyond |d| ≈ 88 in float32).
///
/// Inputs: `preds` and `target` of shape `(N)` or `(N, 1)` for one output,
/// `(N, num_outputs)` otherwise; the value is a scalar or `[num_outputs]`.
/// States: `sum_log_cosh_error` (float64) and `total` (int64 rows), summed.
/// An empty batch is an error; NaN inputs give NaN.
public struct LogCoshErrorFormula: ColumnMeanErrorFormula {
    /// `log_cosh_error`, option `num_outputs`; lower is better.
    public static let info = MetricInfo(name: "log_cosh_error", summary: "mean of log(cosh(preds - target))", options: [RegressionOptions.numOutputs],
                                        higherIsBetter: false)
    /// `sum_log_cosh_error`.
    public static let sumState = "sum_log_cosh_error"
    /// `num_outputs`.
    public let numOutputs: Int
    /// The formula over `numOutputs` outputs.
    public init(numOutputs: Int) { self.numOutputs = numOutputs }

    /// The log-cosh errors summed per output, and the rows.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        try RegressionOptions.validateColumns(preds, target, numOutputs: numOutputs, metric: metric)
        let s = FusedSums.columns(preds, target, columns: numOutputs) { p, t in
            let d = Swift.abs(p - t)
            return SIMD4(d + Foundation.log1p(Foundation.exp(-2 * d)) - M_LN2, 0, 0, 0)
        }
        return (Tensor(s.map { $0[0] }, shape: RegressionOptions.shape(numOutputs)), Int64(preds.shape[0]))
    }
}

/// Mean squared log error (see ``MeanSquaredLogErrorFormula``).
public typealias MeanSquaredLogError = MeanErrorMetric<MeanSquaredLogErrorFormula>

/// Log-cosh error (see ``LogCoshErrorFormula``).
public typealias LogCoshError = MeanErrorMetric<LogCoshErrorFormula>
