import Foundation
import VernierCore
import VernierTensor

/// Minkowski distance of order `p`, `(Σ |preds - target|ᵖ)^(1/p)` over every element.
///
/// Option `p` (required, `p >= 1`). Inputs: `preds` and `target` of equal
/// shape (flattened). State: `minkowski_dist_sum` (float64, summed). An
/// empty batch is an error; NaN inputs give NaN.
public final class MinkowskiDistance: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "minkowski_distance", domain: .regression, summary: "Minkowski distance of order p",
        options: [OptionSpec("p", .double(min: 1), default: .none, help: "the order p >= 1 (required)")]
    ) { try MinkowskiDistance(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec("minkowski_dist_sum", .zeros([], dtype: .float64), .sum)])
    public var higherIsBetter: Bool? { false }
    let p: Double

    public init(options: MetricOptions) throws {
        self.options = options
        p = options.double("p") ?? 1
    }

    /// The Minkowski distance of order `p`.
    public convenience init(p: Double) throws { try self.init(["p": .double(p)]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (preds, target) = try RegressionOptions.pair(inputs, metric: name)
        try RegressionOptions.validate(preds, target, numOutputs: 1, metric: name)
        let order = p
        let s = FusedSums.columns(preds, target, columns: 1) { a, b in SIMD4(Foundation.pow(Swift.abs(a - b), order), 0, 0, 0) }
        state["minkowski_dist_sum"] = state["minkowski_dist_sum"] + Tensor.scalar(s[0][0], dtype: .float64)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .scalar(Foundation.pow(state["minkowski_dist_sum"].item(), 1 / p))
    }
}
