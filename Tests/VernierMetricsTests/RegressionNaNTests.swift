import Testing
import Vernier

/// NaN in the data makes the variance-based scores NaN, as in TorchMetrics
/// (found by the Lua cross-check: the constant-input shortcut used to hide it;
/// values checked against TorchMetrics 1.9.0).
@Test func explainedVarianceWithNaNIsNaN() throws {
    let withNaNTarget = try ExplainedVariance([:])
    try withNaNTarget.update(preds: Tensor([0.5, 1, 2, 0.2] as [Float]), target: Tensor([1, 1, .nan, 1] as [Float]))
    #expect(try withNaNTarget.compute().doubleValue?.isNaN == true)
    let withNaNPreds = try ExplainedVariance([:])
    try withNaNPreds.update(preds: Tensor([0.5, .nan, 2, 0.2] as [Float]), target: Tensor([1, 2, 3, 1] as [Float]))
    #expect(try withNaNPreds.compute().doubleValue?.isNaN == true)
}

/// float64 inputs are ranked in float64: 1 and 1 + 1e-12 are distinct values
/// (found by the Lua cross-check; they used to tie after a cast to float32).
/// preds ranks [2, 3, 4, 1], target ranks [4, 3, 2, 1]: cov 1, variances 5 and 5, ρ = 0.2
/// (with the tie it would be 1.5 / √(4.5·5) ≈ 0.316).
@Test func spearmanKeepsFloat64Precision() throws {
    let m = try SpearmanCorrCoef()
    try m.update(preds: Tensor([1, 1 + 1e-12, 2, 0.5] as [Double]), target: Tensor([4, 3, 2, 1] as [Double]))
    #expect(abs(try m.compute().doubleValue! - 0.2) < 1e-6)
}
