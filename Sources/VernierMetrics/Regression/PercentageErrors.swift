import VernierCore
import VernierTensor

/// The smallest denominator of the percentage errors (TorchMetrics' `epsilon`),
/// so a zero target gives a large but finite error.
let percentageErrorEpsilon = 1.17e-6

/// Mean absolute percentage error, `MAPE = Σ |preds - target| / max(|target|, ε) / N`
/// with `ε = 1.17e-6`.
///
/// Inputs: `preds` and `target` of equal shape (flattened). States:
/// `sum_abs_per_error` (float64) and `total` (int64), summed. A zero target
/// contributes `|preds| / ε` (large, finite); an empty batch is an error; NaN
/// inputs give NaN, as in TorchMetrics.
public struct MeanAbsolutePercentageErrorFormula: PlainMeanErrorFormula {
    /// `mean_absolute_percentage_error`; lower is better.
    public static let info = MetricInfo(name: "mean_absolute_percentage_error", summary: "mean absolute percentage error", higherIsBetter: false)
    /// `sum_abs_per_error`.
    public static let sumState = "sum_abs_per_error"
    /// The formula.
    public init() {}

    /// The absolute percentage errors summed.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: metric)
        let s = FusedSums.columns(preds, target, columns: 1) { p, t in
            SIMD4(Swift.abs(p - t) / Swift.max(Swift.abs(t), percentageErrorEpsilon), 0, 0, 0)
        }
        return (Tensor.scalar(s[0][0], dtype: .float64), Int64(preds.count))
    }
}

/// Symmetric mean absolute percentage error,
/// `SMAPE = 2 Σ |preds - target| / max(|target| + |preds|, ε) / N` (`ε = 1.17e-6`),
/// between 0 and 2.
///
/// Inputs: `preds` and `target` of equal shape (flattened). States:
/// `sum_abs_per_error` (float64) and `total` (int64), summed. A pair where
/// both are 0 contributes 0; an empty batch is an error; NaN gives NaN.
public struct SymmetricMeanAbsolutePercentageErrorFormula: PlainMeanErrorFormula {
    /// `symmetric_mean_absolute_percentage_error`; lower is better.
    public static let info = MetricInfo(name: "symmetric_mean_absolute_percentage_error", summary: "symmetric mean absolute percentage error",
                                        higherIsBetter: false)
    /// `sum_abs_per_error`.
    public static let sumState = "sum_abs_per_error"
    /// The formula.
    public init() {}

    /// The symmetric absolute percentage errors summed.
    public func batch(preds: Tensor, target: Tensor, metric: String) throws -> (sums: Tensor, count: Int64) {
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: metric)
        let s = FusedSums.columns(preds, target, columns: 1) { p, t in
            SIMD4(2 * Swift.abs(p - t) / Swift.max(Swift.abs(t) + Swift.abs(p), percentageErrorEpsilon), 0, 0, 0)
        }
        return (Tensor.scalar(s[0][0], dtype: .float64), Int64(preds.count))
    }
}

/// Mean absolute percentage error (see ``MeanAbsolutePercentageErrorFormula``).
public typealias MeanAbsolutePercentageError = MeanErrorMetric<MeanAbsolutePercentageErrorFormula>

/// Symmetric mean absolute percentage error (see ``SymmetricMeanAbsolutePercentageErrorFormula``).
public typealias SymmetricMeanAbsolutePercentageError = MeanErrorMetric<SymmetricMeanAbsolutePercentageErrorFormula>

/// Weighted mean absolute percentage error,
/// `WMAPE = Σ |preds - target| / max(Σ |target|, ε)` (`ε = 1.17e-6`).
///
/// Inputs: `preds` and `target` of equal shape (flattened). States:
/// `sum_abs_error` and `sum_scale` (float64), summed. All-zero targets give
/// `Σ |preds| / ε`; an empty batch is an error; NaN gives NaN.
public final class WeightedMeanAbsolutePercentageError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "weighted_mean_absolute_percentage_error", domain: .regression, summary: "weighted mean absolute percentage error"
    ) { try WeightedMeanAbsolutePercentageError(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([
        StateSpec("sum_abs_error", .zeros([], dtype: .float64), .sum),
        StateSpec("sum_scale", .zeros([], dtype: .float64), .sum),
    ])
    public var higherIsBetter: Bool? { false }

    public init(options: MetricOptions) throws { self.options = options }

    /// WMAPE (no options).
    public convenience init() throws { try self.init([:]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: name)
        let s = FusedSums.columns(preds, target, columns: 1) { p, t in SIMD4(Swift.abs(p - t), Swift.abs(t), 0, 0) }
        state["sum_abs_error"] = state["sum_abs_error"] + Tensor.scalar(s[0][0], dtype: .float64)
        state["sum_scale"] = state["sum_scale"] + Tensor.scalar(s[0][1], dtype: .float64)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let scale = Swift.max(state["sum_scale"].item(), percentageErrorEpsilon)
        return .scalar(state["sum_abs_error"].item() / scale)
    }
}
