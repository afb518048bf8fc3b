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
public final class MeanSquaredLogError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "mean_squared_log_error", domain: .regression, summary: "mean squared error of log(1 + x)"
    ) { try MeanSquaredLogError(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([
        StateSpec("sum_squared_log_error", .zeros([], dtype: .float64), .sum),
        StateSpec("total", .zeros([], dtype: .int64), .sum),
    ])
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws { self.options = options }

    /// MSLE (no options).
    public convenience init() throws { try self.init([:]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: name)
        for (t, argument) in [(preds, "preds"), (target, "target")] where t.valueRange().min < -1 {
            throw MetricError.invalidInput(metric: name, argument: argument, expected: "values >= -1 (log(1 + x) is undefined below), found \(t.valueRange().min)")
        }
        let s = FusedSums.columns(preds, target, columns: 1) { p, t in
            let d = Foundation.log1p(p) - Foundation.log1p(t)
            return SIMD4(d * d, 0, 0, 0)
        }
        state["sum_squared_log_error"] = state["sum_squared_log_error"] + Tensor.scalar(s[0][0], dtype: .float64)
        state["total"] = state["total"] + Tensor.scalar(Int64(preds.count))
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor((state["sum_squared_log_error"] / state["total"]).cast(.float32))
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
public final class LogCoshError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "log_cosh_error", domain: .regression, summary: "mean of log(cosh(preds - target))",
        options: [RegressionOptions.numOutputs]
    ) { try LogCoshError(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let numOutputs: Int

    public init(options: MetricOptions) throws {
        self.options = options
        numOutputs = options.int("num_outputs") ?? 1
        storage = MetricStorage([
            StateSpec("sum_log_cosh_error", .zeros(RegressionOptions.shape(numOutputs), dtype: .float64), .sum),
            StateSpec("total", .zeros([], dtype: .int64), .sum),
        ])
    }

    /// Log-cosh error over `numOutputs` outputs.
    public convenience init(numOutputs: Int = 1) throws { try self.init(["num_outputs": .int(numOutputs)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validateColumns(preds, target, numOutputs: numOutputs, metric: name)
        let s = FusedSums.columns(preds, target, columns: numOutputs) { p, t in
            let d = Swift.abs(p - t)
            return SIMD4(d + Foundation.log1p(Foundation.exp(-2 * d)) - M_LN2, 0, 0, 0)
        }
        let sums = Tensor(s.map { $0[0] }, shape: RegressionOptions.shape(numOutputs))
        state["sum_log_cosh_error"] = state["sum_log_cosh_error"] + sums
        state["total"] = state["total"] + Tensor.scalar(Int64(preds.shape[0]))
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor((state["sum_log_cosh_error"] / state["total"]).cast(.float32))
    }
}
