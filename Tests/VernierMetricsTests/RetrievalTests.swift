import Foundation
import Testing
import Vernier
import VernierTestSupport

/// Hand-computed values and edge cases of the retrieval metrics (the
/// fixture suite covers TorchMetrics' reference values).
@Suite("Retrieval")
struct RetrievalTests {
    let registry = MetricRegistry.builtins()

    func batch(_ preds: [Float], _ target: [Int64], _ indexes: [Int64]) -> MetricInputs {
        ["preds": Tensor(preds), "target": Tensor(target), "indexes": Tensor(indexes)]
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

    /// Query 7: ranked relevance (1, 0, 1, 0); query 3: (0, 1). Documents arrive shuffled over two batches.
    let twoQueries = [
        ["preds": Tensor([0.7, 0.4, 0.9] as [Float]), "target": Tensor([1, 1, 1] as [Int64]), "indexes": Tensor([7, 3, 7] as [Int64])],
        ["preds": Tensor([0.6, 0.5, 0.8] as [Float]), "target": Tensor([0, 0, 0] as [Int64]), "indexes": Tensor([7, 3, 7] as [Int64])],
    ] as [MetricInputs]

    @Test func averagePrecisionAndReciprocalRank() throws {
        // Query 7: (1/1 + 2/3) / 2; query 3: 1/2.
        #expect(abs(try scalar("retrieval_average_precision", twoQueries) - ((1 + 2.0 / 3) / 2 + 0.5) / 2) < 1e-6)
        // top_k = 1: query 7 keeps its first hit (1), query 3 has none in its top 1 (0).
        #expect(abs(try scalar("retrieval_average_precision", twoQueries, options: ["top_k": .int(1)]) - 0.5) < 1e-6)
        #expect(abs(try scalar("retrieval_reciprocal_rank", twoQueries) - (1 + 0.5) / 2) < 1e-6)
        #expect(abs(try scalar("retrieval_reciprocal_rank", twoQueries, options: ["top_k": .int(1)]) - 0.5) < 1e-6)
    }

    @Test func cutoffMetrics() throws {
        // top 2: query 7 has 1 relevant of 2 (of 2 relevant, of 2 non-relevant); query 3 has 1 of 2 (of 1, of 1).
        let k2: [String: OptionValue] = ["top_k": .int(2)]
        #expect(abs(try scalar("retrieval_precision", twoQueries, options: k2) - 0.5) < 1e-6)
        #expect(abs(try scalar("retrieval_recall", twoQueries, options: k2) - (0.5 + 1) / 2) < 1e-6)
        #expect(abs(try scalar("retrieval_fall_out", twoQueries, options: k2) - (0.5 + 1) / 2) < 1e-6)
        #expect(abs(try scalar("retrieval_hit_rate", twoQueries, options: ["top_k": .int(1)]) - 0.5) < 1e-6)
        // R-precision: query 7 (R = 2) has 1 in its top 2, query 3 (R = 1) none in its top 1.
        #expect(abs(try scalar("retrieval_r_precision", twoQueries) - 0.25) < 1e-6)
        // top_k = 3 on query 3 (2 documents): 1/3, or 1/2 with adaptive_k.
        #expect(abs(try scalar("retrieval_precision", twoQueries, options: ["top_k": .int(3)]) - (2.0 / 3 + 1.0 / 3) / 2) < 1e-6)
        #expect(abs(try scalar("retrieval_precision", twoQueries, options: ["top_k": .int(3), "adaptive_k": .bool(true)]) - (2.0 / 3 + 0.5) / 2) < 1e-6)
    }

    @Test func relevantDocumentsNeedPositiveScoresWhereTorchMetricsSaysSo() throws {
        // A relevant document scored -0.1 does not count for recall or average precision (TorchMetrics' rule),
        // but it does for the hit rate.
        let b = batch([0.5, -0.1], [0, 1], [0, 0])
        #expect(try scalar("retrieval_recall", [b]) == 0)
        #expect(try scalar("retrieval_average_precision", [b]) == 0)
        #expect(try scalar("retrieval_hit_rate", [b]) == 1)
    }

    @Test func tiesKeepArrivalOrder() throws {
        // Equal scores: the document that arrived first ranks first, across batches too.
        let b = [batch([0.5], [0], [1]), batch([0.5], [1], [1])]
        #expect(try scalar("retrieval_reciprocal_rank", b) == 0.5)
    }

    @Test func normalizedDCG() throws {
        // Graded relevance (1, 3, 2) in ranked order: DCG = 1 + 3/log₂3 + 2/2, IDCG = 3 + 2/log₂3 + 1/2.
        let graded = batch([0.9, 0.8, 0.7], [1, 3, 2], [0, 0, 0])
        let dcg = 1 + 3 / log2(3.0) + 1, idcg = 3 + 2 / log2(3.0) + 0.5
        #expect(abs(try scalar("retrieval_normalized_dcg", [graded]) - dcg / idcg) < 1e-6)
        // top_k = 2: DCG 1 + 3/log₂3 against 3 + 2/log₂3.
        #expect(abs(try scalar("retrieval_normalized_dcg", [graded], options: ["top_k": .int(2)]) - (1 + 3 / log2(3.0)) / (3 + 2 / log2(3.0))) < 1e-6)
        // Tied scores share their mean relevance: (1 + 0)/2 · (1 + 1/log₂3), whichever arrives first.
        let tied = (1 + 1 / log2(3.0)) / 2
        #expect(abs(try scalar("retrieval_normalized_dcg", [batch([0.5, 0.5, 0.1], [1, 0, 0], [0, 0, 0])]) - tied) < 1e-6)
        #expect(abs(try scalar("retrieval_normalized_dcg", [batch([0.5, 0.5, 0.1], [0, 1, 0], [0, 0, 0])]) - tied) < 1e-6)
        // Float relevance is accepted too.
        let fractional: MetricInputs = ["preds": Tensor([0.2, 0.9] as [Float]), "target": Tensor([0.5, 0.25] as [Float]), "indexes": Tensor([4, 4] as [Int64])]
        #expect(abs(try scalar("retrieval_normalized_dcg", [fractional]) - (0.25 + 0.5 / log2(3.0)) / (0.5 + 0.25 / log2(3.0))) < 1e-6)
    }

    @Test func auroc() throws {
        // Positives 0.9, 0.7 against negatives 0.8, 0.6: 3 of 4 pairs ordered.
        let b = batch([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0], [0, 0, 0, 0])
        #expect(abs(try scalar("retrieval_auroc", [b]) - 0.75) < 1e-6)
        // Partial area up to fpr 0.5 is 0.25; McClish: (1 + (0.25 - 0.125) / (0.5 - 0.125)) / 2.
        #expect(abs(try scalar("retrieval_auroc", [b], options: ["max_fpr": .double(0.5)]) - 2.0 / 3) < 1e-6)
        // Logits are read through a sigmoid (same order here); one class in the top k gives 0.
        #expect(try scalar("retrieval_auroc", [batch([3, -1, 2, -2], [1, 0, 1, 0], [0, 0, 0, 0])]) == 1)
        #expect(try scalar("retrieval_auroc", [b], options: ["top_k": .int(1)]) == 0)
        for bad in [0.0, 1.5, -0.5] {
            #expect(throws: MetricError.self) { try registry.make("retrieval_auroc", ["max_fpr": .double(bad)]) }
        }
    }

    @Test func emptyTargetActions() throws {
        // Query 1 has a hit at rank 1, query 2 has no relevant document.
        let b = batch([0.9, 0.1, 0.4], [1, 0, 0], [1, 1, 2])
        #expect(try scalar("retrieval_reciprocal_rank", [b]) == 0.5)
        #expect(try scalar("retrieval_reciprocal_rank", [b], options: ["empty_target_action": .string("pos")]) == 1)
        #expect(try scalar("retrieval_reciprocal_rank", [b], options: ["empty_target_action": .string("skip")]) == 1)
        let strict = try registry.make("retrieval_reciprocal_rank", ["empty_target_action": .string("error")])
        try strict.update(b)
        #expect(throws: MetricError.self) { try strict.compute() }
        // Only empty queries, skipped: 0. Fall-out's empty query is one without non-relevant documents.
        #expect(try scalar("retrieval_precision", [batch([0.4], [0], [2])], options: ["empty_target_action": .string("skip")]) == 0)
        #expect(try scalar("retrieval_fall_out", [batch([0.4, 0.3], [1, 1], [2, 2])]) == 1)
        #expect(try scalar("retrieval_fall_out", [batch([0.4, 0.3], [1, 1], [2, 2])], options: ["empty_target_action": .string("neg")]) == 0)
    }

    @Test func aggregations() throws {
        // Reciprocal ranks 1, 1/2 and 1/3 for queries 0, 1, 2; then a fourth query at 1/4.
        let three = batch([0.9, 0.9, 0.1, 0.9, 0.5, 0.1], [1, 0, 1, 0, 0, 1], [0, 1, 1, 2, 2, 2])
        let four = [three, batch([0.9, 0.8, 0.7, 0.6], [0, 0, 0, 1], [3, 3, 3, 3])]
        #expect(abs(try scalar("retrieval_reciprocal_rank", [three], options: ["aggregation": .string("median")]) - 0.5) < 1e-6)
        // Even count: the lower median (torch.median), 1/3.
        #expect(abs(try scalar("retrieval_reciprocal_rank", four, options: ["aggregation": .string("median")]) - 1.0 / 3) < 1e-6)
        #expect(abs(try scalar("retrieval_reciprocal_rank", four, options: ["aggregation": .string("min")]) - 0.25) < 1e-6)
        #expect(try scalar("retrieval_reciprocal_rank", four, options: ["aggregation": .string("max")]) == 1)
    }

    @Test func ignoreIndexAndQueryIDs() throws {
        // Documents with target -100 are dropped; ids may be negative or beyond int32.
        let b = batch([0.9, 0.8, 0.3, 0.2], [-100, 1, 0, 1], [-5, -5, 1 << 40, 1 << 40])
        #expect(abs(try scalar("retrieval_reciprocal_rank", [b], options: ["ignore_index": .int(-100)]) - (1 + 0.5) / 2) < 1e-6)
        let m = try registry.make("retrieval_reciprocal_rank", ["ignore_index": .int(-100)])
        #expect(throws: MetricError.self) { try m.update(batch([0.9], [-100], [0])) }
    }

    @Test func invalidBatchesAreRejectedWithStateUnchanged() throws {
        let good = [batch([0.9, 0.1], [1, 0], [0, 0])]
        let bad: [MetricInputs] = [
            ["preds": Tensor([0.5] as [Float]), "target": Tensor([1] as [Int64]), "indexes": Tensor([0.0] as [Float])],
            ["preds": Tensor([1] as [Int64]), "target": Tensor([1] as [Int64]), "indexes": Tensor([0] as [Int64])],
            batch([0.5], [2], [0]),
            batch([.nan], [1], [0]),
            batch([0.5, 0.4], [1], [0]),
            ["preds": Tensor([0.5] as [Float]), "target": Tensor([1] as [Int64])],
            ["preds": Tensor.scalar(0.5), "target": Tensor.scalar(Int64(1)), "indexes": Tensor.scalar(Int64(0))],
        ]
        for name in RetrievalMetrics.descriptors.map(\.name) where name != "retrieval_normalized_dcg" {
            #expect(try checker(name).checkRejects(bad, after: good).isEmpty, "\(name)")
        }
        // Graded relevance is NDCG's input, but NaN relevance is not.
        let nanTarget: MetricInputs = ["preds": Tensor([0.5] as [Float]), "target": Tensor([Float.nan]), "indexes": Tensor([0] as [Int64])]
        #expect(try checker("retrieval_normalized_dcg").checkRejects([bad[0], bad[3], nanTarget], after: good).isEmpty)
        for option in ["top_k", "max_k"] {
            #expect(throws: MetricError.self) { try registry.make(option == "top_k" ? "retrieval_average_precision" : "retrieval_precision_recall_curve", [option: .int(0)]) }
        }
    }

    @Test func streamingAndMergingOnEveryMetric() throws {
        let batches = twoQueries + [batch([0.3, 0.2], [1, 0], [9, 3])]
        for name in RetrievalMetrics.descriptors.map(\.name) {
            let options: [String: OptionValue] = name.hasSuffix("curve") || name.hasSuffix("precision") && name.contains("fixed") ? ["max_k": .int(3)] : [:]
            let problems = try checker(name, options).checkAll(batches)
            #expect(problems.isEmpty, "\(name): \(problems)")
        }
    }

    @Test func precisionRecallCurve() throws {
        // One query ranked (1, 0, 1): found 1, 1, 2, 2 at k = 1...4 of 2 relevant.
        let b = batch([0.9, 0.8, 0.7], [1, 0, 1], [0, 0, 0])
        guard case .list(let c) = try value("retrieval_precision_recall_curve", [b], options: ["max_k": .int(4)]) else {
            Issue.record("expected [precision, recall, top_k]"); return
        }
        #expect(zip(c[0].tensor!.toDoubles(), [1, 0.5, 2.0 / 3, 0.5]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(c[1].tensor!.toDoubles() == [0.5, 0.5, 1, 1])
        #expect(c[2].tensor!.dtype == .int64 && c[2].tensor!.toDoubles() == [1, 2, 3, 4])
        // adaptive_k divides by at most the query's 3 documents.
        guard case .list(let a) = try value("retrieval_precision_recall_curve", [b], options: ["max_k": .int(4), "adaptive_k": .bool(true)]) else { return }
        #expect(abs(a[0].tensor!.toDoubles()[3] - 2.0 / 3) < 1e-6)
        // max_k None: the largest query (3).
        guard case .list(let n) = try value("retrieval_precision_recall_curve", [b]) else { return }
        #expect(n[2].tensor!.shape == [3])
    }

    @Test func recallAtFixedPrecision() throws {
        let b = batch([0.9, 0.8, 0.7], [1, 0, 1], [0, 0, 0])
        func result(_ minPrecision: Double) throws -> (Double, Double) {
            guard case .list(let r) = try value("retrieval_recall_at_fixed_precision", [b], options: ["min_precision": .double(minPrecision), "max_k": .int(4)]) else {
                return (.nan, .nan)
            }
            return (r[0].doubleValue!, r[1].doubleValue!)
        }
        // Precision ≥ 0.6 at k = 1 (recall 0.5) and k = 3 (recall 1): the best recall, 1, at 3.
        #expect(try result(0.6) == (1, 3))
        // Only k = 1 reaches 0.9.
        #expect(try result(0.9) == (0.5, 1))
        // Precision 0.5 is met at k = 4 too, with the same recall 1: the larger k wins.
        #expect(try result(0.5) == (1, 4))
        #expect(throws: MetricError.self) { try registry.make("retrieval_recall_at_fixed_precision", ["min_precision": .double(1.5)]) }
    }

    @Test func binaryMetricsShareStates() throws {
        let ap = try registry.make("retrieval_average_precision"), mrr = try registry.make("retrieval_reciprocal_rank", ["top_k": .int(2)])
        let ndcg = try registry.make("retrieval_normalized_dcg"), ignoring = try registry.make("retrieval_recall", ["ignore_index": .int(-1)])
        #expect(ap.computeGroupKey != nil && ap.computeGroupKey == mrr.computeGroupKey)
        #expect(ap.computeGroupKey != ndcg.computeGroupKey && ap.computeGroupKey != ignoring.computeGroupKey)
    }

    @Test func swiftInitialisersMatchRegistryOptions() throws {
        let graded = ["preds": Tensor([0.9, 0.8, 0.7] as [Float]), "target": Tensor([1, 3, 2] as [Int64]), "indexes": Tensor([0, 0, 0] as [Int64])]
        let ndcg = try RetrievalNormalizedDCG(topK: 2)
        try ndcg.update(graded)
        #expect(abs(try ndcg.compute().doubleValue! - (1 + 3 / log2(3.0)) / (3 + 2 / log2(3.0))) < 1e-6)
        let fallOut = try RetrievalFallOut()
        #expect(fallOut.options["empty_target_action"] == .string("pos") && fallOut.options["top_k"] == OptionValue.none)
        let auroc = try RetrievalAUROC(topK: 3, maxFPR: 0.5, aggregation: .median)
        #expect(auroc.options == (try RetrievalAUROC(["top_k": .int(3), "max_fpr": .double(0.5), "aggregation": .string("median")])).options)
        let curve = try RetrievalRecallAtFixedPrecision(minPrecision: 0.5, maxK: 4, ignoreIndex: -1)
        #expect(curve.options["max_k"] == .int(4) && curve.options["ignore_index"] == .int(-1))
        let cases: [(any Metric, [String: OptionValue])] = [
            (try RetrievalFallOut(topK: 2), ["top_k": .int(2)]),
            (try RetrievalMAP(topK: 2, emptyTargetAction: .skip), ["top_k": .int(2), "empty_target_action": .string("skip")]),
            (try RetrievalPrecision(topK: 3, adaptiveK: true), ["top_k": .int(3), "adaptive_k": .bool(true)]),
            (try RetrievalRPrecision(emptyTargetAction: .error, aggregation: .max), ["empty_target_action": .string("error"), "aggregation": .string("max")]),
            (try RetrievalHitRate(ignoreIndex: -1), ["ignore_index": .int(-1)]),
        ]
        for (metric, given) in cases {
            #expect(metric.options == (try registry.make(metric.name, given)).options, "\(metric.name)")
        }
    }
}
