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
