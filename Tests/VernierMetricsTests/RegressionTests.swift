import Foundation
import Testing
import Vernier
import VernierTestSupport

/// Hand-computed values and edge cases of the regression metrics (the
/// fixture suite covers TorchMetrics' reference values).
@Suite("Regression")
struct RegressionTests {
    let registry = MetricRegistry.builtins()

    func pair(_ p: [Float], _ t: [Float], shape: [Int]? = nil) -> MetricInputs {
        MetricInputs(preds: Tensor(p, shape: shape), target: Tensor(t, shape: shape))
    }

    func value(_ name: String, _ batches: [MetricInputs], options: [String: OptionValue] = [:]) throws -> MetricValue {
        let m = try registry.make(name, options)
        for b in batches { try m.update(b) }
        return try m.compute()
    }

    func scalar(_ name: String, _ batches: [MetricInputs], options: [String: OptionValue] = [:]) throws -> Double {
        try #require(try value(name, batches, options: options).doubleValue)
    }

    func checker(_ name: String, _ options: [String: OptionValue] = [:]) -> MetricChecker {
        MetricChecker(atol: 1e-6, rtol: 1e-6) { try MetricRegistry.builtins().make(name, options) }
    }

    // MARK: Percentage and log errors

    @Test func percentageErrors() throws {
        // |1-2|/2 + |4-4|/4 + |3-1|/1 = 0.5 + 0 + 2 over 3.
        let b = pair([1, 4, 3], [2, 4, 1])
        #expect(abs(try scalar("mean_absolute_percentage_error", [b]) - 2.5 / 3) < 1e-6)
        // 2 * (1/3 + 0/8 + 2/4) / 3.
        #expect(abs(try scalar("symmetric_mean_absolute_percentage_error", [b]) - 2 * (1.0 / 3 + 0.5) / 3) < 1e-6)
        // (1 + 0 + 2) / (2 + 4 + 1).
        #expect(abs(try scalar("weighted_mean_absolute_percentage_error", [b]) - 3.0 / 7) < 1e-6)
    }

    @Test func zeroTargetsUseTheEpsilonFloor() throws {
        // |0.5 - 0| / 1.17e-6 for MAPE; WMAPE divides Σ|p - t| by the floor as well.
        let b = pair([0.5], [0])
        #expect(abs(try scalar("mean_absolute_percentage_error", [b]) - 0.5 / 1.17e-6) < 1)
        #expect(abs(try scalar("weighted_mean_absolute_percentage_error", [b]) - 0.5 / 1.17e-6) < 1)
        // Both zero: the pair contributes 0 to SMAPE.
        #expect(try scalar("symmetric_mean_absolute_percentage_error", [pair([0, 1], [0, 3])]) == Double(Float(2 * (2.0 / 4) / 2)))
    }

    @Test func meanSquaredLogError() throws {
        // (log 2 - log 1)² and (log 4 - log 4)².
        let v = try scalar("mean_squared_log_error", [pair([1, 3], [0, 3])])
        #expect(abs(v - log(2) * log(2) / 2) < 1e-6)
        try expectRejects("mean_squared_log_error", [pair([-2], [1]), pair([1], [-1.5])], after: [pair([1], [1])])
    }

    @Test func logCoshIsStableForLargeDifferences() throws {
        // log(cosh(1)) and log(cosh(1000)) = 1000 - log 2 (cosh itself overflows).
        let v = try scalar("log_cosh_error", [pair([1, 1000], [0, 0])])
        #expect(abs(v - (log(cosh(1.0)) + 1000 - log(2.0)) / 2) < 1e-3)
        let two = try value("log_cosh_error", [pair([1, 0, -1, 2], [0, 0, 0, 0], shape: [2, 2])], options: ["num_outputs": .int(2)])
        let t = try #require(two.tensor)
        #expect(t.shape == [2])
        #expect(abs(t.element(at: 0) - log(cosh(1.0))) < 1e-6)
        #expect(abs(t.element(at: 1) - log(cosh(2.0)) / 2) < 1e-6)
    }

    @Test func logCoshShapeFollowsNumOutputs() throws {
        try expectRejects("log_cosh_error", [pair([1, 2, 3, 4], [1, 2, 3, 4], shape: [2, 2])], after: [pair([1], [0])])
        try expectRejects("log_cosh_error", [pair([1, 2], [1, 2])], after: [], options: ["num_outputs": .int(2)])
    }

    @Test func minkowskiDistance() throws {
        // (1³ + 2³)^(1/3) over two batches.
        let v = try scalar("minkowski_distance", [pair([1], [0]), pair([0], [2])], options: ["p": .double(3)])
        #expect(abs(v - pow(9, 1.0 / 3)) < 1e-6)
        #expect(throws: MetricError.self) { try registry.make("minkowski_distance", ["p": .double(0.5)]) }
        #expect(throws: MetricError.self) { try registry.make("minkowski_distance") }
    }

    @Test func tweedieDeviance() throws {
        // power 1: 2 (t log(t/p) + p - t); t = 0 contributes 2p.
        let poisson = try scalar("tweedie_deviance_score", [pair([2, 1], [1, 0])], options: ["power": .double(1)])
        #expect(abs(poisson - (2 * (log(0.5) + 1) + 2) / 2) < 1e-6)
        // power 2: 2 (log(p/t) + t/p - 1).
        let gamma = try scalar("tweedie_deviance_score", [pair([2], [1])], options: ["power": .double(2)])
        #expect(abs(gamma - 2 * (log(2) + 0.5 - 1)) < 1e-6)
        // power 3 (inverse Gaussian): 2 (1/2 + 1/8 - 1/2) = (t - p)² / (p² t) = 1/4 at p = 2, t = 1.
        let inverse = try scalar("tweedie_deviance_score", [pair([2], [1])], options: ["power": .double(3)])
        #expect(abs(inverse - 0.25) < 1e-6)
        #expect(throws: MetricError.self) { try registry.make("tweedie_deviance_score", ["power": .double(0.5)]) }
        try expectRejects("tweedie_deviance_score", [pair([0], [1]), pair([1], [-1])], after: [pair([1], [1])], options: ["power": .double(1)])
        try expectRejects("tweedie_deviance_score", [pair([1], [0])], after: [], options: ["power": .double(2)])
        try expectRejects("tweedie_deviance_score", [pair([-1], [1])], after: [], options: ["power": .double(-1)])
    }

    @Test func emptyAndMismatchedBatchesAreRejected() throws {
        let names = ["mean_absolute_percentage_error", "symmetric_mean_absolute_percentage_error",
                     "weighted_mean_absolute_percentage_error", "mean_squared_log_error", "log_cosh_error"]
        for name in names {
            try expectRejects(name, [pair([], []), pair([1, 2], [1])], after: [pair([1], [2])])
        }
    }

    @Test func nanPropagatesLikeTorchMetrics() throws {
        #expect(try scalar("mean_absolute_percentage_error", [pair([.nan], [1])]).isNaN)
        #expect(try scalar("log_cosh_error", [pair([1], [.nan])]).isNaN)
    }

    // MARK: Helpers

    func expectRejects(_ name: String, _ bad: [MetricInputs], after good: [MetricInputs], options: [String: OptionValue] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let problems = try checker(name, options).checkRejects(bad, after: good)
        #expect(problems.isEmpty, "\(name): \(problems)", sourceLocation: sourceLocation)
    }
}
