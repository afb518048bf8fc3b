import Foundation
import Testing
@testable import VernierMetrics
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

    // MARK: Correlation and variance scores

    @Test func pearsonAndConcordance() throws {
        // Centred x = (-1, 0, 1), y = (-1, 1, 0): Σxy = 1, Σx² = Σy² = 2, r = 0.5.
        let b = pair([1, 2, 3], [1, 3, 2])
        #expect(abs(try scalar("pearson_corrcoef", [b]) - 0.5) < 1e-6)
        // Sample variances 1 and 1, equal means: ρc = 2 · 0.5 · 1 · 1 / 2.
        #expect(abs(try scalar("concordance_corrcoef", [b]) - 0.5) < 1e-6)
        // Shifting y by 1 keeps r but adds (x̄ - ȳ)² = 1 to the denominator.
        #expect(abs(try scalar("concordance_corrcoef", [pair([1, 2, 3], [2, 4, 3])]) - 1.0 / 3) < 1e-6)
    }

    @Test func pearsonDegenerateInputsAreNaN() throws {
        #expect(try scalar("pearson_corrcoef", [pair([1, 2, 3], [5, 5, 5])]).isNaN)
        #expect(try scalar("pearson_corrcoef", [pair([1], [2])]).isNaN)
        #expect(try scalar("concordance_corrcoef", [pair([4, 4], [1, 2])]).isNaN)
    }

    @Test func pearsonStreamsMergesAndValidates() throws {
        let batches = [pair([1, 2, 3], [1, 3, 2]), pair([4], [7]), pair([0, 9], [1, 2])]
        for name in ["pearson_corrcoef", "concordance_corrcoef"] {
            #expect(try checker(name).checkAll(batches).isEmpty)
            try expectRejects(name, [pair([1, 2], [1]), MetricInputs(preds: Tensor([1, 2] as [Int64]), target: Tensor([1, 2] as [Int64]))],
                              after: batches)
            try expectRejects(name, [pair([1, 2], [1, 2])], after: [], options: ["num_outputs": .int(2)])
        }
        let two = try #require(try value("pearson_corrcoef", [pair([1, 1, 2, 3, 3, 2], [1, 3, 2, 1, 3, 2], shape: [3, 2])],
                                        options: ["num_outputs": .int(2)]).tensor)
        // Column 0: x = (1, 2, 3), y = (1, 2, 3) → 1; column 1: x = (1, 3, 2), y = (3, 1, 2) → -1.
        #expect(two.shape == [2] && abs(two.element(at: 0) - 1) < 1e-6 && abs(two.element(at: 1) + 1) < 1e-6)
    }

    /// Ten million float32 samples around 1e6 (std ≈ 1), in ten batches and
    /// merged from two instances: the correlation must match a two-pass
    /// float64 computation on the same values (a naive Σx² - n·x̄² loses
    /// every digit here).
    @Test func pearsonKeepsItsDigitsFarFromZero() throws {
        var rng = SplitMix64(seed: 7)
        let n = 10_000_000
        var xs = [Float](repeating: 0, count: n), ys = xs
        for i in 0..<n {
            let a = rng.nextNormal(), b = rng.nextNormal()
            xs[i] = Float(1e6 + a)
            ys[i] = Float(1e6 + 0.6 * a + 0.8 * b)
        }
        let mx = xs.reduce(0.0) { $0 + Double($1) } / Double(n), my = ys.reduce(0.0) { $0 + Double($1) } / Double(n)
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for i in 0..<n {
            let dx = Double(xs[i]) - mx, dy = Double(ys[i]) - my
            sxx += dx * dx; syy += dy * dy; sxy += dx * dy
        }
        let reference = sxy / (sxx * syy).squareRoot()
        let first = try PearsonCorrCoef(), second = try PearsonCorrCoef()
        for k in 0..<10 {
            let r = (k * n / 10)..<((k + 1) * n / 10)
            try (k < 4 ? first : second).update(preds: Tensor(Array(xs[r])), target: Tensor(Array(ys[r])))
        }
        try first.merge(second)
        let moments = PairMomentsProbe.summary(first.state)
        #expect(abs(moments.meanX - mx) < 1e-9 * mx)
        #expect(abs(moments.m2X - sxx) < 1e-9 * sxx)
        #expect(abs(moments.cXY - sxy) < 1e-9 * sxx)
        #expect(abs(try first.compute().doubleValue! - Double(Float(reference))) < 1e-7)
    }

    @Test func r2Score() throws {
        // rss = 1, t̄ = 7/3, tss = 14/3: R² = 1 - 3/14.
        let b = pair([1, 2, 3], [1, 2, 4])
        #expect(abs(try scalar("r2_score", [b]) - 11.0 / 14) < 1e-6)
        // Adjusted with k = 1, N = 3: 1 - (3/14) · 2 / 1; k = 2 = N - 1 falls back.
        #expect(abs(try scalar("r2_score", [b], options: ["adjusted": .int(1)]) - 8.0 / 14) < 1e-6)
        #expect(abs(try scalar("r2_score", [b], options: ["adjusted": .int(2)]) - 11.0 / 14) < 1e-6)
        // Perfect predictions: 1; constant target with errors: 0.
        #expect(try scalar("r2_score", [pair([1, 2], [1, 2])]) == 1)
        #expect(try scalar("r2_score", [pair([1, 2], [3, 3])]) == 0)
        let one = try registry.make("r2_score")
        try one.update(pair([1], [2]))
        #expect(throws: MetricError.self) { try one.compute() }
    }

    @Test func r2MultioutputAndShapes() throws {
        // Column 0 is b above (11/14), column 1 perfect (1); tss 14/3 and 2.
        let b = pair([1, 5, 2, 6, 3, 7], [1, 5, 2, 6, 4, 7], shape: [3, 2])
        let raw = try #require(try value("r2_score", [b], options: ["multioutput": .string("raw_values")]).tensor)
        #expect(raw.shape == [2] && abs(raw.element(at: 0) - 11.0 / 14) < 1e-6 && raw.element(at: 1) == 1)
        #expect(abs(try scalar("r2_score", [b]) - (11.0 / 14 + 1) / 2) < 1e-6)
        let tss0 = 14.0 / 3, tss1 = 2.0
        let weighted: Double = (tss0 * (11.0 / 14) + tss1) / (tss0 + tss1)
        #expect(abs(try scalar("r2_score", [b], options: ["multioutput": .string("variance_weighted")]) - weighted) < 1e-6)
        // A later batch with another width, and 3-D input, are rejected.
        try expectRejects("r2_score", [pair([1, 2, 3], [1, 2, 3]), pair([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2])],
                          after: [b])
        #expect(try checker("r2_score").checkAll([b, pair([0, 1, 2, 1], [1, 1, 2, 2], shape: [2, 2])]).isEmpty)
    }

    @Test func explainedVariance() throws {
        // e = (0, 0, 1): Var e = 1/3 - 1/9 = 2/9; Var t = 14/9: EV = 1 - 1/7.
        let b = pair([1, 2, 3], [1, 2, 4])
        #expect(abs(try scalar("explained_variance", [b]) - 6.0 / 7) < 1e-6)
        // Constant errors (a shifted prediction): 1, even for a constant target whose
        // mean 0.1 is not exact in binary; a constant target with varying errors: 0.
        #expect(try scalar("explained_variance", [pair([0.2, 0.2, 0.2], [0.1, 0.1, 0.1])]) == 1)
        #expect(try scalar("explained_variance", [pair([0.3, 0.2, 0.1], [0.1, 0.1, 0.1])]) == 0)
        let raw = try #require(try value("explained_variance", [pair([1, 0, 2, 0, 3, 0], [1, 1, 2, 1, 4, 1], shape: [3, 2])],
                                         options: ["multioutput": .string("raw_values")]).tensor)
        #expect(raw.shape == [2] && abs(raw.element(at: 0) - 6.0 / 7) < 1e-6 && raw.element(at: 1) == 1)
        #expect(try checker("explained_variance").checkAll([b, pair([5, 6], [4, 4])]).isEmpty)
    }

    @Test func relativeSquaredError() throws {
        // rss / tss = 1 / (14/3).
        let b = pair([1, 2, 3], [1, 2, 4])
        #expect(abs(try scalar("relative_squared_error", [b]) - 3.0 / 14) < 1e-6)
        #expect(abs(try scalar("relative_squared_error", [b], options: ["squared": .bool(false)]) - (3.0 / 14).squareRoot()) < 1e-6)
        try expectRejects("relative_squared_error", [pair([1, 2], [1, 2])], after: [], options: ["num_outputs": .int(2)])
    }

    @Test func normalizedRootMeanSquaredError() throws {
        // RMSE = √(1/3); target mean 7/3, range 3, population std √14 / 3, l2 √21.
        let b = pair([1, 2, 3], [1, 2, 4])
        let rmse = (1.0 / 3).squareRoot()
        let expected: [String: Double] = ["mean": rmse / (7.0 / 3), "range": rmse / 3, "std": rmse / (14.0.squareRoot() / 3), "l2": rmse / 21.0.squareRoot()]
        for (normalization, v) in expected {
            let options: [String: OptionValue] = ["normalization": .string(normalization)]
            #expect(abs(try scalar("normalized_root_mean_squared_error", [b], options: options) - v) < 1e-6, "\(normalization)")
            #expect(try checker("normalized_root_mean_squared_error", options).checkAll([b, pair([0, 5], [1, 3])]).isEmpty)
        }
        // A constant target has no spread: the range normalisation divides by 0.
        #expect(try scalar("normalized_root_mean_squared_error", [pair([1, 2], [3, 3])], options: ["normalization": .string("range")]).isInfinite)
    }

    // MARK: Rank correlations

    @Test func spearmanAverageRanks() throws {
        // Ranks (1..5) and (1, 2, 3.5, 5, 3.5): cov 1.6, variances 2 and 1.9.
        let v = try scalar("spearman_corrcoef", [pair([1, 2, 3], [5, 6, 7]), pair([4, 5], [8, 7])])
        #expect(abs(v - 1.6 / (3.8.squareRoot() + 1e-6)) < 1e-6)
        // -0 ties with +0: ranks (1.5, 1.5, 3) against (1, 2, 3).
        let signedZero = try scalar("spearman_corrcoef", [pair([-0.0, 0.0, 1], [1, 2, 3])])
        #expect(abs(signedZero - 0.5 / ((0.5 * 2.0 / 3).squareRoot() + 1e-6)) < 1e-6)
        // A constant input has no spread: 0 (the 1e-6 guard), not NaN.
        #expect(try scalar("spearman_corrcoef", [pair([2, 2, 2], [1, 2, 3])]) == 0)
        let two = try #require(try value("spearman_corrcoef", [pair([1, 3, 2, 2, 3, 1], [1, 1, 2, 2, 3, 3], shape: [3, 2])],
                                        options: ["num_outputs": .int(2)]).tensor)
        #expect(two.shape == [2] && abs(two.element(at: 0) - 1) < 1e-5 && abs(two.element(at: 1) + 1) < 1e-5)
    }

    @Test func spearmanRejectsNaNAndIntegers() throws {
        let ints = MetricInputs(preds: Tensor([1, 2] as [Int64]), target: Tensor([1, 2] as [Int64]))
        try expectRejects("spearman_corrcoef", [pair([1, .nan], [1, 2]), pair([1, 2], [.nan, 2]), ints, pair([1, 2, 3, 4], [1, 2, 3, 4], shape: [2, 2])],
                          after: [pair([1, 2], [2, 1])])
        #expect(try checker("spearman_corrcoef").checkAll([pair([1, 2, 3], [5, 6, 7]), pair([4, 5], [8, 7]), pair([0], [9])]).isEmpty)
    }

    @Test func rankedQueriesGroupByIdThenScoreDescendingThenArrival() throws {
        var rng = SplitMix64(seed: 11)
        for idRange in [UInt64(1), 3, 1 << 20, UInt64.max] {
            let n = 5000
            let ids = (0..<n).map { _ in idRange == .max ? Int64(bitPattern: rng.next()) : Int64(rng.next() % idRange) - 1 }
            // Few distinct scores (many ties), both zeros among them.
            let scores = (0..<n).map { _ -> Float in
                let v = Float(rng.next() % 7) - 3
                return v == 0 && rng.next() % 2 == 0 ? -0.0 : v
            }
            let labels = (0..<n).map { _ in Float(rng.next() % 2) }
            var state = MetricState(specs: [StateSpec(list: "indexes"), StateSpec(list: "preds"), StateSpec(list: "target")])
            // Two batches: arrival order runs across them.
            for r in [0..<1700, 1700..<n] {
                state.append("indexes", Tensor(Array(ids[r])))
                state.append("preds", Tensor(Array(scores[r])))
                state.append("target", Tensor(Array(labels[r])))
            }
            let ranked = try RankedQueries(state)
            let expected = (0..<n).sorted { (ids[$0], -scores[$0], $0) < (ids[$1], -scores[$1], $1) }
            #expect(ranked.preds == expected.map { scores[$0] }, "id range \(idRange)")
            #expect(ranked.target == expected.map { labels[$0] }, "id range \(idRange)")
            let distinct = Array(Set(ids)).sorted()
            #expect(ranked.ids == distinct)
            #expect(ranked.starts.count == distinct.count + 1 && ranked.starts.last == n)
            for (q, id) in distinct.enumerated() {
                #expect(ranked.starts[q + 1] - ranked.starts[q] == ids.filter { $0 == id }.count)
            }
        }
    }

    @Test func kendallVariants() throws {
        // One discordant pair (2, 3) of six: C = 5, D = 1, no ties.
        let b = pair([1, 2, 3, 4], [1, 3, 2, 4])
        for variant in ["a", "b", "c"] {
            #expect(abs(try scalar("kendall_rank_corrcoef", [b], options: ["variant": .string(variant)]) - 4.0 / 6) < 1e-6)
        }
        // x = (1, 1, 2, 3), y = (1, 2, 2, 3): C = 4, D = 0, one tie in each.
        let tied = [pair([1, 1], [1, 2]), pair([2, 3], [2, 3])]
        #expect(abs(try scalar("kendall_rank_corrcoef", tied, options: ["variant": .string("a")]) - 1) < 1e-6)
        #expect(abs(try scalar("kendall_rank_corrcoef", tied, options: ["variant": .string("b")]) - 0.8) < 1e-6)
        // 3 distinct values each: 2 · 4 / (16 · 2/3).
        #expect(abs(try scalar("kendall_rank_corrcoef", tied, options: ["variant": .string("c")]) - 0.75) < 1e-6)
        #expect(try checker("kendall_rank_corrcoef").checkAll(tied + [pair([0, 5, 5], [4, 0, 5])]).isEmpty)
    }

    @Test func kendallTTest() throws {
        // Variant a: t = 3 · 4 / √(4 · 3 · 13 / 2); two-sided p = erfc(t / √2).
        let b = pair([1, 2, 3, 4], [1, 3, 2, 4])
        let a = try value("kendall_rank_corrcoef", [b], options: ["variant": .string("a"), "t_test": .bool(true)])
        guard case .list(let items) = a else { Issue.record("expected [tau, p]"); return }
        #expect(abs(items[1].doubleValue! - 0.17423138824802512) < 1e-6)
        // Variant b with one tie in each: variance (4·3·13 - 18 - 18)/18 + 2/12 = 6.8333; greater: Φ(-4/√6.8333).
        let tied = [pair([1, 1, 2, 3], [1, 2, 2, 3])]
        let g = try value("kendall_rank_corrcoef", tied, options: ["t_test": .bool(true), "alternative": .string("greater")])
        guard case .list(let gi) = g else { Issue.record("expected [tau, p]"); return }
        #expect(abs(gi[0].doubleValue! - 0.8) < 1e-6 && abs(gi[1].doubleValue! - 0.06298558153861555) < 1e-6)
        #expect(throws: MetricError.self) { try registry.make("kendall_rank_corrcoef", ["t_test": .bool(true), "alternative": .none]) }
        try expectRejects("kendall_rank_corrcoef", [pair([.nan], [1])], after: [b])
    }

    // MARK: Similarities, divergences, events, ensembles

    @Test func cosineSimilarity() throws {
        // Orthogonal rows (0) and parallel rows (1).
        let b = pair([1, 0, 1, 1], [0, 1, 2, 2], shape: [2, 2])
        #expect(abs(try scalar("cosine_similarity", [b]) - 1) < 1e-6)
        #expect(abs(try scalar("cosine_similarity", [b], options: ["reduction": .string("mean")]) - 0.5) < 1e-6)
        let none = try #require(try value("cosine_similarity", [b, pair([3, 4], [-3, -4], shape: [1, 2])], options: ["reduction": .string("none")]).tensor)
        #expect(none.shape == [3] && abs(none.element(at: 0)) < 1e-7 && abs(none.element(at: 1) - 1) < 1e-6 && abs(none.element(at: 2) + 1) < 1e-6)
        // A zero row has no direction: NaN, like TorchMetrics.
        #expect(try scalar("cosine_similarity", [pair([0, 0], [1, 1], shape: [1, 2])]).isNaN)
        try expectRejects("cosine_similarity", [pair([1, 2], [1, 2])], after: [b])
        #expect(try checker("cosine_similarity", ["reduction": .string("none")]).checkAll([b, pair([3, 4], [-3, -4], shape: [1, 2])]).isEmpty)
    }

    func distributions(_ p: [Float], _ q: [Float], width: Int = 2) -> MetricInputs {
        ["p": Tensor(p, shape: [p.count / width, width]), "q": Tensor(q, shape: [q.count / width, width])]
    }

    @Test func klDivergence() throws {
        // Rows normalised to (1/2, 1/2) and (1/4, 3/4).
        let expected = 0.5 * log(2.0) + 0.5 * log(2.0 / 3)
        #expect(abs(try scalar("kl_divergence", [distributions([1, 1], [1, 3])]) - expected) < 1e-6)
        let logs = distributions([Float(log(0.5)), Float(log(0.5))], [Float(log(0.25)), Float(log(0.75))])
        #expect(abs(try scalar("kl_divergence", [logs], options: ["log_prob": .bool(true)]) - expected) < 1e-6)
        // 0 · log 0 = 0; q = 0 where p > 0 is infinitely surprising.
        #expect(abs(try scalar("kl_divergence", [distributions([0, 1], [1, 1])]) - log(2.0)) < 1e-6)
        #expect(try scalar("kl_divergence", [distributions([1, 1], [0, 1])]) == .infinity)
        let sum = try scalar("kl_divergence", [distributions([1, 1, 0, 1], [1, 3, 1, 1])], options: ["reduction": .string("sum")])
        #expect(abs(sum - expected - log(2.0)) < 1e-6)
        try expectRejects("kl_divergence", [distributions([-1, 2], [1, 1]), distributions([0, 0], [1, 1]), ["p": Tensor([1, 1] as [Float]), "q": Tensor([1, 1] as [Float])]],
                          after: [distributions([1, 1], [1, 3])])
        #expect(try checker("kl_divergence", ["reduction": .none]).checkAll([distributions([1, 1], [1, 3]), distributions([0, 1], [1, 1])]).isEmpty)
    }

    @Test func jensenShannonDivergence() throws {
        // Disjoint distributions are log 2 apart; identical ones 0.
        #expect(abs(try scalar("jensen_shannon_divergence", [distributions([1, 0], [0, 1])]) - log(2.0)) < 1e-6)
        #expect(abs(try scalar("jensen_shannon_divergence", [distributions([1, 3], [2, 6])])) < 1e-7)
        // (1/2, 1/2) vs (1/4, 3/4): m = (3/8, 5/8).
        let p = [0.5, 0.5], q = [0.25, 0.75], m = [0.375, 0.625]
        let kl = { (a: [Double]) in zip(a, m).reduce(0.0) { $0 + $1.0 * log($1.0 / $1.1) } }
        let expected = 0.5 * kl(p) + 0.5 * kl(q)
        #expect(abs(try scalar("jensen_shannon_divergence", [distributions([1, 1], [1, 3])]) - expected) < 1e-6)
        let logs = distributions(p.map { Float(log($0)) }, q.map { Float(log($0)) })
        #expect(abs(try scalar("jensen_shannon_divergence", [logs], options: ["log_prob": .bool(true)]) - expected) < 1e-6)
    }

    @Test func criticalSuccessIndex() throws {
        // One hit, one miss, one false alarm, one correct negative.
        let b = pair([0.6, 0.2, 0.7, 0.1], [0.8, 0.9, 0.1, 0.2], shape: [2, 2])
        #expect(abs(try scalar("critical_success_index", [b], options: ["threshold": .double(0.5)]) - 1.0 / 3) < 1e-6)
        // Per position along dim 1: (hit, false alarm) → 1/2, (miss, none) → 0; batches concatenate.
        let kept = try #require(try value("critical_success_index", [b, b], options: ["threshold": .double(0.5), "keep_sequence_dim": .int(1)]).tensor)
        #expect(kept.shape == [4] && kept.toDoubles() == [0.5, 0, 0.5, 0])
        // No event anywhere: 0/0 is 0. A value equal to the threshold is an event.
        #expect(try scalar("critical_success_index", [pair([0.1], [0.2])], options: ["threshold": .double(0.5)]) == 0)
        #expect(try scalar("critical_success_index", [pair([0.5], [0.5])], options: ["threshold": .double(0.5)]) == 1)
        // float32 0.7 is just below the float64 0.7: it still equals the threshold in float32.
        #expect(try scalar("critical_success_index", [pair([0.7], [0.7])], options: ["threshold": .double(0.7)]) == 1)
        #expect(throws: MetricError.self) { try registry.make("critical_success_index") }
        try expectRejects("critical_success_index", [pair([1], [1])], after: [b], options: ["threshold": .double(0.5), "keep_sequence_dim": .int(1)])
    }

    @Test func continuousRankedProbabilityScore() throws {
        // Members (1, 3), observation 2: mean |x - y| = 1, spread Σ|xᵢ - xⱼ| / 2M² = 4 / 8.
        let b = MetricInputs(preds: Tensor([1, 3] as [Float], shape: [1, 2]), target: Tensor([2] as [Float]))
        #expect(abs(try scalar("continuous_ranked_probability_score", [b]) - 0.5) < 1e-6)
        // Members (3, 0, 0), observation 0: 1 - 12 / 18.
        let c = MetricInputs(preds: Tensor([3, 0, 0] as [Float], shape: [1, 3]), target: Tensor([0] as [Float]))
        #expect(abs(try scalar("continuous_ranked_probability_score", [c]) - 1.0 / 3) < 1e-6)
        let one = MetricInputs(preds: Tensor([1] as [Float], shape: [1, 1]), target: Tensor([2] as [Float]))
        let wrongTarget = MetricInputs(preds: Tensor([1, 3] as [Float], shape: [1, 2]), target: Tensor([2, 2] as [Float]))
        try expectRejects("continuous_ranked_probability_score", [one, wrongTarget], after: [b])
    }

    @Test func swiftInitialisersMatchRegistryOptions() throws {
        #expect(try KendallRankCorrCoef(variant: .a, tTest: true, alternative: .less).options
                == (try KendallRankCorrCoef(["variant": .string("a"), "t_test": .bool(true), "alternative": .string("less")])).options)
        #expect(try R2Score(adjusted: 1, multioutput: .rawValues).options["multioutput"] == .string("raw_values"))
        #expect(try NormalizedRootMeanSquaredError(normalization: .l2).options["normalization"] == .string("l2"))
        #expect(try KLDivergence(reduction: .none).options["reduction"] == .string("none"))
        let ev = try ExplainedVariance(multioutput: .varianceWeighted)
        try ev.update(preds: Tensor([1, 2, 3] as [Float]), target: Tensor([1, 2, 4] as [Float]))
        #expect(abs(try ev.compute().doubleValue! - 6.0 / 7) < 1e-6)
        let meanErrors: [(any Metric, [String: OptionValue])] = [
            (try MeanSquaredError(squared: false, numOutputs: 2), ["squared": .bool(false), "num_outputs": .int(2)]),
            (try MeanAbsoluteError(numOutputs: 3), ["num_outputs": .int(3)]),
            (try LogCoshError(), [:]),
            (try MeanSquaredLogError(), [:]),
            (try ContinuousRankedProbabilityScore(), [:]),
        ]
        for (metric, given) in meanErrors {
            let expected = try registry.make(metric.name, given)
            #expect(metric.options == expected.options && metric.state.layoutSignature == expected.state.layoutSignature, "\(metric.name)")
        }
    }

    // MARK: Helpers

    func expectRejects(_ name: String, _ bad: [MetricInputs], after good: [MetricInputs], options: [String: OptionValue] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let problems = try checker(name, options).checkRejects(bad, after: good)
        #expect(problems.isEmpty, "\(name): \(problems)", sourceLocation: sourceLocation)
    }
}

/// Reads the packed moments of a correlation metric's state.
enum PairMomentsProbe {
    /// The first output's summary: count, means, centred sums (see `PairMoments`).
    static func summary(_ state: MetricState) -> (n: Double, meanX: Double, m2X: Double, cXY: Double) {
        let v = state["moments"].toDoubles()
        return (v[0], v[1], v[3], v[5])
    }
}
