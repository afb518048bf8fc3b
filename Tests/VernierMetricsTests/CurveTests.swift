import Foundation
import Testing
import Vernier
@testable import VernierMetrics
import VernierTestSupport

// Hand-computed cases for the score-based classification metrics (curves,
// AUROC, AP, operating points, EER, LogAUC, calibration, hinge, ranking,
// fairness). Most use one small binary set with a tie:
//
//   preds  0.1  0.4  0.35  0.8  0.4      sorted: 0.8(+) 0.4(-) 0.4(+) 0.35(+) 0.1(-)
//   target 0    0    1     1    1        3 positives, 2 negatives
//
// Distinct thresholds (descending) 0.8, 0.4, 0.35, 0.1 with cumulative
// (tp, fp) = (1, 0), (2, 1), (3, 1), (3, 2).

private let tiedPreds = Tensor([0.1, 0.4, 0.35, 0.8, 0.4] as [Float])
private let tiedTarget = Tensor([0, 0, 1, 1, 1] as [Int64])

private func values(_ v: MetricValue) -> [Double] { v.tensor?.toDoubles() ?? [] }
private func items(_ v: MetricValue) -> [MetricValue] { if case .list(let l) = v { return l }; return [] }
private func entries(_ v: MetricValue) -> [String: MetricValue] {
    if case .dict(let d) = v { return Dictionary(uniqueKeysWithValues: d.map { ($0.key, $0.value) }) }
    return [:]
}

private func expectClose(_ actual: [Double], _ expected: [Double], tol: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "got \(actual), expected \(expected)", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        if e.isNaN {
            #expect(a.isNaN, "got \(actual), expected \(expected)", sourceLocation: sourceLocation)
        } else {
            #expect(abs(a - e) <= tol, "got \(actual), expected \(expected)", sourceLocation: sourceLocation)
        }
    }
}

private func value(_ m: any Metric, _ batches: [(Tensor, Tensor)]) throws -> MetricValue {
    for (p, t) in batches { try m.update(preds: p, target: t) }
    return try m.compute()
}

@Suite("Curve family: binary exact curves")
struct BinaryCurveTests {
    @Test func rocGroupsTiedScores() throws {
        let roc = items(try value(try BinaryROC(), [(tiedPreds, tiedTarget)]))
        expectClose(values(roc[0]), [0, 0, 0.5, 0.5, 1])
        expectClose(values(roc[1]), [0, 1.0 / 3, 2.0 / 3, 1, 1])
        expectClose(values(roc[2]), [1, 0.8, 0.4, 0.35, 0.1])
    }

    @Test func aurocEqualsTheMannWhitneyPairCount() throws {
        // Positive-negative pairs ranked right: 0.8 beats both, 0.35 beats 0.1,
        // 0.4 beats 0.1 and ties 0.4 (half): 4.5 of 6.
        expectClose(values(try value(try BinaryAUROC(), [(tiedPreds, tiedTarget)])), [0.75])
    }

    @Test func precisionRecallCurveAndAveragePrecision() throws {
        let pr = items(try value(try BinaryPrecisionRecallCurve(), [(tiedPreds, tiedTarget)]))
        expectClose(values(pr[0]), [0.6, 0.75, 2.0 / 3, 1, 1])
        expectClose(values(pr[1]), [1, 1, 2.0 / 3, 1.0 / 3, 0])
        expectClose(values(pr[2]), [0.1, 0.35, 0.4, 0.8])
        // AP = Σ (R_i - R_{i+1}) P_i = 0·0.6 + (1/3)·0.75 + (1/3)·(2/3) + (1/3)·1.
        expectClose(values(try value(try BinaryAveragePrecision(), [(tiedPreds, tiedTarget)])), [0.25 + 2.0 / 9 + 1.0 / 3])
    }

    @Test func batchesAndSplitInstancesGiveTheSameCurve() throws {
        let batches: [MetricInputs] = [
            MetricInputs(preds: Tensor([0.1, 0.4] as [Float]), target: Tensor([0, 0] as [Int64])),
            MetricInputs(preds: Tensor([0.35, 0.8, 0.4] as [Float]), target: Tensor([1, 1, 1] as [Int64])),
        ]
        let makers: [@Sendable () throws -> any Metric] = [{ try BinaryROC() }, { try BinaryAveragePrecision() }, { try BinaryAUROC(thresholds: .evenlySpaced(7)) }]
        for make in makers {
            #expect(try MetricChecker(make: make).checkAll(batches).isEmpty)
        }
    }

    @Test func partialAUROCWithMcClishCorrection() throws {
        // ROC (fpr, tpr): (0,0) (0,1/3) (0.5,2/3) (0.5,1) (1,1); cut at fpr 0.25:
        // tpr there 1/3 + (2/3 - 1/3)/2 = 1/2; area 0.25·(1/3 + 1/2)/2 = 5/48;
        // McClish: 0.5·(1 + (A - m)/(M - m)), M = 0.25, m = M²/2.
        let a = 5.0 / 48, m = 0.25 * 0.25 / 2
        expectClose(values(try value(try BinaryAUROC(maxFpr: 0.25), [(tiedPreds, tiedTarget)])), [0.5 * (1 + (a - m) / (0.25 - m))])
    }

    @Test func singleClassTargetsGiveTheDocumentedDegenerateValues() throws {
        let allNegative = Tensor([0, 0, 0] as [Int64]), scores = Tensor([0.2, 0.7, 0.5] as [Float])
        expectClose(values(try value(try BinaryAUROC(), [(scores, allNegative)])), [0])
        let ap = values(try value(try BinaryAveragePrecision(), [(scores, allNegative)]))
        #expect(ap == [0] && ap[0].sign == .minus, "AP without positives is -0.0, got \(ap)")
        // Without positives the recall is 1 everywhere; tpr is all 0.
        let pr = items(try value(try BinaryPrecisionRecallCurve(), [(scores, allNegative)]))
        expectClose(values(pr[1]), [1, 1, 1, 0])
        let roc = items(try value(try BinaryROC(), [(scores, Tensor([1, 1, 1] as [Int64]))]))
        expectClose(values(roc[0]), [0, 0, 0, 0])
        expectClose(values(roc[1]), [0, 1.0 / 3, 2.0 / 3, 1])
    }

    @Test func ignoredTargetsAreDropped() throws {
        let preds = Tensor([0.1, 0.4, 0.35, 0.8, 0.4, 0.95, 0.05] as [Float])
        let target = Tensor([0, 0, 1, 1, 1, -1, -1] as [Int64])
        expectClose(values(try value(try BinaryAUROC(ignoreIndex: -1), [(preds, target)])), [0.75])
    }

    @Test func logitsGetASigmoidAndThePinnedFormatRejectsThem() throws {
        let logits: [Float] = [-2, 0.5, 0.2, 3, 0.5]
        let roc = items(try value(try BinaryROC(), [(Tensor(logits), tiedTarget)]))
        expectClose(values(roc[2]), [1] + [3, 0.5, 0.2, -2].map { 1 / (1 + exp(-$0)) }, tol: 1e-7)
        expectClose(values(try value(try BinaryAUROC(), [(Tensor(logits), tiedTarget)])), [0.75])
        let pinned = try BinaryAUROC(["input_format": .string("probs")])
        #expect(throws: MetricError.self) { try pinned.update(preds: Tensor(logits), target: tiedTarget) }
    }

    @Test func mixedProbabilityAndLogitBatchesAreCounted() throws {
        let m = try BinaryAUROC()
        try m.update(preds: tiedPreds, target: tiedTarget)
        try m.update(preds: Tensor([-1, 2] as [Float]), target: Tensor([0, 1] as [Int64]))
        #expect(m.state["format_counts"].toInt64s() == [1, 1])
    }

    @Test func emptyBatchesAddNothingAndNoSamplesIsAnError() throws {
        let m = try BinaryAUROC()
        try m.update(preds: Tensor([] as [Float]), target: Tensor([] as [Int64]))
        #expect(throws: MetricError.self) { try m.compute() }
        try m.update(preds: tiedPreds, target: tiedTarget)
        expectClose(values(try m.compute()), [0.75])
        let ignoredOnly = try BinaryROC(ignoreIndex: 7)
        try ignoredOnly.update(preds: Tensor([0.5] as [Float]), target: Tensor([7] as [Int64]))
        #expect(throws: MetricError.self) { try ignoredOnly.compute() }
    }

    @Test func badBatchesAreRejectedWithTheStateUnchanged() throws {
        let good = [MetricInputs(preds: tiedPreds, target: tiedTarget)]
        let bad: [MetricInputs] = [
            MetricInputs(preds: tiedPreds, target: Tensor([0, 0, 1, 1, 1] as [Float])),        // float target
            MetricInputs(preds: tiedPreds, target: Tensor([0, 2, 1, 1, 1] as [Int64])),        // target 2
            MetricInputs(preds: Tensor([0.1, .nan, 0.3, 0.2, 0.9] as [Float]), target: tiedTarget),
            MetricInputs(preds: Tensor([0, 1, 1, 0, 1] as [Int64]), target: tiedTarget),       // integer preds
            MetricInputs(preds: Tensor([0.1, 0.2] as [Float]), target: tiedTarget),            // shapes differ
        ]
        let makers: [@Sendable () throws -> any Metric] = [{ try BinaryAUROC() }, { try BinaryROC(thresholds: .evenlySpaced(5)) }]
        for make in makers {
            let problems = try MetricChecker(make: make).checkRejects(bad, after: good)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func invalidOptionsAreRejected() {
        let cases: [[String: OptionValue]] = [
            ["thresholds": .int(1)], ["thresholds": .list([.double(0.2), .double(1.5)])], ["thresholds": .list([])],
            ["max_fpr": .double(0)], ["max_fpr": .double(1.5)], ["input_format": .string("labels")],
            ["normalization": .none, "input_format": .string("logits")],
        ]
        for options in cases {
            #expect(throws: MetricError.self, "\(options)") { try BinaryAUROC(options) }
        }
        #expect(throws: MetricError.self) { try BinaryPrecisionAtFixedRecall([:]) }
        #expect(throws: MetricError.self) { try BinaryLogAUC(["fpr_range": .list([.double(0), .double(0.1)])]) }
        #expect(throws: MetricError.self) { try BinaryLogAUC(["fpr_range": .list([.double(0.2), .double(0.1)])]) }
    }

    @Test func swiftInitialisersResolveLikeTheRegistry() throws {
        let registry = MetricRegistry.builtins()
        let cases: [(any Metric, [String: OptionValue])] = [
            (try BinaryAUROC(), [:]),
            (try BinaryAUROC(maxFpr: 0.5, thresholds: .evenlySpaced(5)), ["max_fpr": .double(0.5), "thresholds": .int(5)]),
            (try MulticlassAUROC(numClasses: 3, average: "weighted"), ["num_classes": .int(3), "average": .string("weighted")]),
            (try MultilabelAveragePrecision(numLabels: 2, ignoreIndex: -1), ["num_labels": .int(2), "ignore_index": .int(-1)]),
            (try BinaryAveragePrecision(thresholds: .list([0.2, 0.7])), ["thresholds": .list([.double(0.2), .double(0.7)])]),
            (try MulticlassROC(numClasses: 3, average: "macro"), ["num_classes": .int(3), "average": .string("macro")]),
            (try MultilabelPrecisionRecallCurve(numLabels: 2), ["num_labels": .int(2)]),
            (try MulticlassEER(numClasses: 4), ["num_classes": .int(4)]),
            (try BinaryLogAUC(), [:]),
            (try BinaryLogAUC(fprRange: (0.01, 0.5)), ["fpr_range": .list([.double(0.01), .double(0.5)])]),
            (try MultilabelLogAUC(numLabels: 2, average: "macro"), ["num_labels": .int(2), "average": .string("macro")]),
            (try MulticlassRecallAtFixedPrecision(numClasses: 3, minPrecision: 0.25), ["num_classes": .int(3), "min_precision": .double(0.25)]),
            (try MultilabelSensitivityAtSpecificity(numLabels: 2, minSpecificity: 0.5, thresholds: .evenlySpaced(3)),
             ["num_labels": .int(2), "min_specificity": .double(0.5), "thresholds": .int(3)]),
        ]
        for (metric, given) in cases {
            let expected = try registry.make(metric.name, given)
            #expect(metric.options == expected.options, "\(metric.name): \(metric.options) vs \(expected.options)")
            #expect(metric.computeGroupKey == expected.computeGroupKey, "\(metric.name)")
        }
    }
}

@Suite("Curve family: curve counts")
struct CurveKernelTests {
    /// The counts a plain comparison sort gives, for checking the sort-and-merge kernel.
    static func reference(_ scores: [Double], _ positive: [Bool]) -> (thresholds: [Double], tps: [Int], fps: [Int]) {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var thr: [Double] = [], tps: [Int] = [], fps: [Int] = []
        var tp = 0, n = 0
        for (k, i) in order.enumerated() {
            tp += positive[i] ? 1 : 0
            n += 1
            if k == order.count - 1 || scores[order[k + 1]] != scores[i] {
                thr.append(scores[i]); tps.append(tp); fps.append(n - tp)
            }
        }
        return (thr, tps, fps)
    }

    @Test(arguments: [DType.float32, .float64])
    func sortedCountsMatchAComparisonSort(dtype: DType) throws {
        var rng = SystemRandomNumberGenerator()
        // Coarse values (many ties), both signs, and both zeros (which tie).
        let raw = (0..<5000).map { _ in Double(Int.random(in: -300...300, using: &rng)) / 64 }
        let scores = raw.enumerated().map { $0.element == 0 && $0.offset % 2 == 0 ? -0.0 : $0.element }
        let positive = (0..<5000).map { _ in UInt8.random(in: 0...1, using: &rng) }
        let expected = Self.reference(scores, positive.map { $0 == 1 })
        let split = { (want: UInt8) in Tensor(zip(scores, positive).filter { $0.1 == want }.map(\.0)).cast(dtype) }
        let curve = try ClfCurve(positiveScores: split(1), negativeScores: split(0), allTargetsZero: false)
        #expect(curve.thresholds == expected.thresholds)
        #expect(curve.tps == expected.tps)
        #expect(curve.fps == expected.fps)
        #expect(curve.dtype == dtype)
    }

    @Test func normalizationNoneKeepsRawScores() throws {
        let m = try BinaryROC(["normalization": .none])
        let roc = items(try value(m, [(Tensor([-1, 2, 0.5] as [Float]), Tensor([0, 1, 1] as [Int64]))]))
        expectClose(values(roc[2]), [1, 2, 0.5, -1])
    }
}

@Suite("Curve family: binned thresholds")
struct BinnedCurveTests {
    @Test func evenlySpacedThresholdsCountPredsAtOrAboveEach() throws {
        // Thresholds 0, 0.5, 1: (tp, fp) = (3, 2), (1, 0), (0, 0).
        let m = try BinaryROC(thresholds: .evenlySpaced(3))
        let roc = items(try value(m, [(tiedPreds, tiedTarget)]))
        expectClose(values(roc[0]), [0, 0, 1])
        expectClose(values(roc[1]), [0, 1.0 / 3, 1])
        expectClose(values(roc[2]), [1, 0.5, 0])
        #expect(m.state["confmat"].toInt64s() == [0, 2, 0, 3, /* t=0.5 */ 2, 0, 2, 1, /* t=1 */ 2, 0, 3, 0])
        expectClose(values(try value(try BinaryAUROC(thresholds: .evenlySpaced(3)), [(tiedPreds, tiedTarget)])), [(1.0 / 3 + 1) / 2])
    }

    @Test func binnedPrecisionIsNaNWithoutPredictedPositivesAndAPZeroesIt() throws {
        let pr = items(try value(try BinaryPrecisionRecallCurve(thresholds: .evenlySpaced(3)), [(tiedPreds, tiedTarget)]))
        expectClose(values(pr[0]), [0.6, 1, .nan, 1])
        expectClose(values(pr[1]), [1, 1.0 / 3, 0, 0])
        expectClose(values(pr[2]), [0, 0.5, 1])
        // -Σ (r[i+1] - r[i]) p[i] with NaN as 0: (2/3)·0.6 + (1/3)·1.
        expectClose(values(try value(try BinaryAveragePrecision(thresholds: .evenlySpaced(3)), [(tiedPreds, tiedTarget)])), [0.4 + 1.0 / 3])
    }

    @Test func listedThresholdsKeepTheirOrder() throws {
        let roc = items(try value(try BinaryROC(thresholds: .list([0.5, 0])), [(tiedPreds, tiedTarget)]))
        expectClose(values(roc[2]), [0, 0.5])
        expectClose(values(roc[1]), [1, 1.0 / 3])
    }

    @Test func partialAUROCOnBinnedCurves() throws {
        // Thresholds 0.39, 0.5: (tp, fp) = (2, 1), (1, 0); the ROC (flipped) is
        // fpr (0, 0.5), tpr (1/3, 2/3).
        func mcClish(_ area: Double, _ bound: Double) -> Double {
            let m = bound * bound / 2
            return 0.5 * (1 + (area - m) / (bound - m))
        }
        // max_fpr 0.25 cuts the segment at tpr 1/2: area 0.25·(1/3 + 1/2)/2.
        let cut = try BinaryAUROC(maxFpr: 0.25, thresholds: .list([0.39, 0.5]))
        expectClose(values(try value(cut, [(tiedPreds, tiedTarget)])), [mcClish(0.25 * (1.0 / 3 + 0.5) / 2, 0.25)])
        // max_fpr 0.6 lies beyond the last point: its tpr 2/3 holds up to 0.6.
        let beyond = try BinaryAUROC(maxFpr: 0.6, thresholds: .list([0.39, 0.5]))
        expectClose(values(try value(beyond, [(tiedPreds, tiedTarget)])), [mcClish(0.25 + 0.1 * 2.0 / 3, 0.6)])
    }

    @Test func thresholdsAtEveryDistinctScoreReproduceTheExactCurve() throws {
        let binned = items(try value(try BinaryROC(thresholds: .list([0.1, 0.35, 0.4, 0.8])), [(tiedPreds, tiedTarget)]))
        let exact = items(try value(try BinaryROC(), [(tiedPreds, tiedTarget)]))
        // The exact curve has one more point, (0, 0) at threshold 1, in front.
        expectClose(values(binned[0]), Array(values(exact[0]).dropFirst()))
        expectClose(values(binned[1]), Array(values(exact[1]).dropFirst()))
    }

    @Test func multiclassBinnedCurvesAreStacked() throws {
        let preds = Tensor([0.7, 0.2, 0.1, 0.2, 0.6, 0.2, 0.3, 0.3, 0.4] as [Float], shape: [3, 3])
        let roc = items(try value(try MulticlassROC(numClasses: 3, thresholds: .evenlySpaced(3)), [(preds, Tensor([0, 1, 2] as [Int64]))]))
        #expect(roc[0].tensor?.shape == [3, 3] && roc[1].tensor?.shape == [3, 3] && roc[2].tensor?.shape == [3])
        // Class 0 at thresholds 1, 0.5, 0: tpr 0, 1, 1; fpr 0, 0, 1.
        expectClose(Array(values(roc[1]).prefix(3)), [0, 1, 1])
        expectClose(Array(values(roc[0]).prefix(3)), [0, 0, 1])
    }
}

@Suite("Curve family: multiclass and multilabel")
struct MultiCurveTests {
    // Three classes, class 2 never a target.
    static let preds = Tensor([0.6, 0.3, 0.1,
                               0.2, 0.5, 0.3,
                               0.3, 0.4, 0.3,
                               0.5, 0.1, 0.4] as [Float], shape: [4, 3])
    static let target = Tensor([0, 1, 0, 1] as [Int64])

    @Test func absentClassScoresZeroAUROCAndNaNAveragePrecision() throws {
        // Class 0 scores (0.6+, 0.2-, 0.3+, 0.5-): pairs won 0.6>0.2, 0.6>0.5, 0.3>0.2 → 3/4.
        // Class 1 scores (0.3-, 0.5+, 0.4-, 0.1+): 0.5>0.3, 0.5>0.4 → 2/4.
        let auroc = try value(try MulticlassAUROC(numClasses: 3, average: "none"), [(Self.preds, Self.target)])
        expectClose(values(auroc), [0.75, 0.5, 0])
        expectClose(values(try value(try MulticlassAUROC(numClasses: 3), [(Self.preds, Self.target)])), [(0.75 + 0.5) / 3])
        // Weighted by support (2, 2, 0).
        expectClose(values(try value(try MulticlassAUROC(numClasses: 3, average: "weighted"), [(Self.preds, Self.target)])), [0.625])
        let ap = values(try value(try MulticlassAveragePrecision(numClasses: 3, average: "none"), [(Self.preds, Self.target)]))
        // Class 0 ranking 0.6+, 0.5-, 0.3+, 0.2-: AP = 0.5·1 + 0.5·(2/3).
        // Class 1 ranking 0.5+, 0.4-, 0.3-, 0.1+: AP = 0.5·1 + 0.5·(2/4).
        expectClose(ap, [0.5 + 1.0 / 3, 0.75, .nan])
        expectClose(values(try value(try MulticlassAveragePrecision(numClasses: 3), [(Self.preds, Self.target)])), [(0.5 + 1.0 / 3 + 0.75) / 2])
    }

    @Test func logitsGetASoftmaxOverClasses() throws {
        let logits = Tensor([2, 1, 0, -1, 3, 0] as [Float], shape: [2, 3])
        let curves = items(try value(try MulticlassROC(numClasses: 3), [(logits, Tensor([0, 1] as [Int64]))]))
        let row0 = [2.0, 1, 0].map(exp), row1 = [-1.0, 3, 0].map(exp)
        let p0 = [row0[0] / row0.reduce(0, +), row1[0] / row1.reduce(0, +)]
        expectClose(values(items(curves[0])[2]), [1, p0.max()!, p0.min()!], tol: 1e-6)
    }

    @Test func microPoolsEveryClassIntoOneCurve() throws {
        // 12 (score, is-target) pairs; the micro ROC equals the binary ROC of those pairs.
        let micro = items(try value(try MulticlassROC(numClasses: 3, average: "micro"), [(Self.preds, Self.target)]))
        let flat = Tensor([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.3, 0.4, 0.3, 0.5, 0.1, 0.4] as [Float])
        let onehot = Tensor([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0] as [Int64])
        let binary = items(try value(try BinaryROC(), [(flat, onehot)]))
        for i in 0..<3 { expectClose(values(micro[i]), values(binary[i])) }
    }

    @Test func macroCurveAveragesInterpolatedRates() throws {
        let curves = items(try value(try MulticlassROC(numClasses: 3, average: "macro"), [(Self.preds, Self.target)]))
        let perClass = items(try value(try MulticlassROC(numClasses: 3), [(Self.preds, Self.target)])).map(items)
        let pooled = perClass.flatMap { values($0[0]) }.sorted()
        expectClose(values(curves[0]), pooled)
        // At the last pooled fpr (1) each class takes its last segment: class 0
        // (0.5, 1)→(1, 1) gives 1; class 1 ends with a vertical segment (1, 0.5)→(1, 1),
        // whose slope counts as 0, so 0.5; class 2 (no positives) 0.
        expectClose([values(curves[1]).last!], [0.5])
    }

    @Test func multilabelIgnoredTargetsLeaveOnlyTheirLabel() throws {
        let preds = Tensor([0.9, 0.2, 0.1, 0.8, 0.4, 0.6, 0.7, 0.3] as [Float], shape: [4, 2])
        let target = Tensor([1, 0, 0, 1, -1, 1, 0, 0] as [Int64], shape: [4, 2])
        // Label 0 keeps (0.9+, 0.1-, 0.7-): AUROC 1; label 1 keeps (0.2-, 0.8+, 0.6+, 0.3-): 1.
        let m = try MultilabelAUROC(numLabels: 2, average: "none", ignoreIndex: -1)
        expectClose(values(try value(m, [(preds, target)])), [1, 1])
        let rocs = items(try value(try MultilabelROC(numLabels: 2, ignoreIndex: -1), [(preds, target)])).map(items)
        expectClose(values(rocs[0][2]), [1, 0.9, 0.7, 0.1])
    }

    @Test func badMulticlassAndMultilabelBatchesAreRejected() throws {
        let good = [MetricInputs(preds: Self.preds, target: Self.target)]
        let bad: [MetricInputs] = [
            MetricInputs(preds: Self.preds, target: Tensor([0, 3, 0, 1] as [Int64])),
            MetricInputs(preds: Tensor([0.5, 0.5] as [Float], shape: [1, 2]), target: Tensor([0] as [Int64])),
            MetricInputs(preds: Self.preds, target: Tensor([0, 1, 0] as [Int64])),
            MetricInputs(preds: Tensor([0.1, 0.2, 0.3] as [Float]), target: Tensor([0, 1, 2] as [Int64])),
        ]
        let problems = try MetricChecker(make: { try MulticlassAveragePrecision(numClasses: 3) }).checkRejects(bad, after: good)
        #expect(problems.isEmpty, "\(problems)")
        let mlGood = [MetricInputs(preds: Tensor([0.2, 0.8] as [Float], shape: [1, 2]), target: Tensor([0, 1] as [Int64], shape: [1, 2]))]
        let mlBad = [
            MetricInputs(preds: Tensor([0.2, 0.8, 0.1] as [Float], shape: [1, 3]), target: Tensor([0, 1, 0] as [Int64], shape: [1, 3])),
            MetricInputs(preds: Tensor([0.2, 0.8] as [Float], shape: [1, 2]), target: Tensor([0, 2] as [Int64], shape: [1, 2])),
        ]
        #expect(try MetricChecker(make: { try MultilabelROC(numLabels: 2) }).checkRejects(mlBad, after: mlGood).isEmpty)
    }
}

@Suite("Curve family: operating points, EER, LogAUC")
struct OperatingPointTests {
    @Test func constrainedOptimaOnTheTiedSet() throws {
        let b = [(tiedPreds, tiedTarget)]
        // PR points (precision, recall, threshold) with recall >= 0.5: (0.6,1,0.1) (0.75,1,0.35) (2/3,2/3,0.4).
        expectClose(items(try value(try BinaryPrecisionAtFixedRecall(minRecall: 0.5), b)).flatMap(values), [0.75, 0.35])
        // Precision >= 0.7: (0.75, recall 1, 0.35) and (1, recall 1/3, 0.8).
        expectClose(items(try value(try BinaryRecallAtFixedPrecision(minPrecision: 0.7), b)).flatMap(values), [1, 0.35])
        // ROC points with specificity >= 0.5: best tpr 1 at threshold 0.35.
        expectClose(items(try value(try BinarySensitivityAtSpecificity(minSpecificity: 0.5), b)).flatMap(values), [1, 0.35])
        // tpr >= 0.5 at thresholds 0.4, 0.35, 0.1 with specificity 0.5, 0.5, 0: the first best.
        expectClose(items(try value(try BinarySpecificityAtSensitivity(minSensitivity: 0.5), b)).flatMap(values), [0.5, 0.4])
    }

    @Test func unreachableConstraintsReportTorchMetricsSentinels() throws {
        let allNegative = [(Tensor([0.2, 0.7] as [Float]), Tensor([0, 0] as [Int64]))]
        expectClose(items(try value(try BinaryPrecisionAtFixedRecall(minRecall: 0.5), allNegative)).flatMap(values), [0, .nan])
        let ones = [(Tensor([0.2, 0.7] as [Float]), Tensor([1, 1] as [Int64]))]
        // Without negatives fpr is 0 everywhere (specificity 1); with sensitivity >= 1.5 unreachable: (0, 1e6).
        expectClose(items(try value(try BinarySpecificityAtSensitivity(minSensitivity: 1), allNegative)).flatMap(values), [0, 1e6])
        expectClose(items(try value(try BinarySensitivityAtSpecificity(minSpecificity: 1), ones)).flatMap(values), [1, 0.2])
    }

    @Test func equalErrorRate() throws {
        // |fpr - (1 - tpr)| over the ROC points: 1, 2/3, 1/6, 1/2, 1 → point (0.5, 2/3).
        expectClose(values(try value(try BinaryEER(), [(tiedPreds, tiedTarget)])), [(0.5 + 1.0 / 3) / 2])
    }

    @Test func logAUCOverAHandComputedCurve() throws {
        // ROC fpr (0, 0, 0.5, 0.5, 1), tpr (0, 0.5, 0.5, 1, 1). tpr at fpr 0.1 and 0.5 is 0.5
        // (the segments starting at the last point below each bound); between
        // log10 0.1 and log10 0.5 the curve holds 0.5, so the normalised area is 0.5.
        let m = try BinaryLogAUC(fprRange: (0.1, 0.5))
        expectClose(values(try value(m, [(Tensor([0.9, 0.8, 0.7, 0.6] as [Float]), Tensor([1, 0, 1, 0] as [Int64]))])), [0.5], tol: 1e-6)
    }
}

@Suite("Calibration, hinge, ranking, fairness")
struct ScoreMetricTests {
    @Test func calibrationErrorNorms() throws {
        // 2 bins: 0.25, 0.1 (targets 0, 0) → confidence 0.175, accuracy 0;
        // 0.75, 0.6 (targets 1, 1) → confidence 0.675, accuracy 1. Gaps 0.175, 0.325.
        let preds = Tensor([0.25, 0.75, 0.6, 0.1] as [Float]), target = Tensor([0, 1, 1, 0] as [Int64])
        expectClose(values(try value(try BinaryCalibrationError(nBins: 2), [(preds, target)])), [0.25])
        expectClose(values(try value(try BinaryCalibrationError(nBins: 2, norm: "l2"), [(preds, target)])), [(0.5 * 0.175 * 0.175 + 0.5 * 0.325 * 0.325).squareRoot()])
        expectClose(values(try value(try BinaryCalibrationError(nBins: 2, norm: "max"), [(preds, target)])), [0.325])
        // A confidence of exactly 1 sits in a bin of its own: 1 vs accuracy 0.
        let edge = try value(try BinaryCalibrationError(nBins: 2, norm: "max"), [(Tensor([1, 0.75] as [Float]), Tensor([0, 1] as [Int64]))])
        expectClose(values(edge), [1])
    }

    @Test func multiclassCalibrationUsesTheTopProbability() throws {
        let preds = Tensor([0.7, 0.2, 0.1, 0.2, 0.3, 0.5] as [Float], shape: [2, 3])
        // Row 0: confidence 0.7, correct; row 1: 0.5, wrong. One bin each (10 bins): gaps 0.3 and 0.5.
        expectClose(values(try value(try MulticlassCalibrationError(numClasses: 3, nBins: 10), [(preds, Tensor([0, 1] as [Int64]))])), [0.4], tol: 1e-6)
    }

    @Test func hingeLosses() throws {
        let preds = Tensor([0.2, 0.9, 0.6] as [Float]), target = Tensor([0, 1, 0] as [Int64])
        // Margins -0.2, 0.9, -0.6 → losses 1.2, 0.1, 1.6.
        expectClose(values(try value(try BinaryHingeLoss(), [(preds, target)])), [2.9 / 3], tol: 1e-6)
        expectClose(values(try value(try BinaryHingeLoss(squared: true), [(preds, target)])), [(1.44 + 0.01 + 2.56) / 3], tol: 1e-6)
        let mc = Tensor([0.7, 0.2, 0.1, 0.3, 0.3, 0.4] as [Float], shape: [2, 3]), labels = Tensor([0, 1] as [Int64])
        // Crammer-Singer margins 0.7 - 0.2 and 0.3 - 0.4.
        expectClose(values(try value(try MulticlassHingeLoss(numClasses: 3), [(mc, labels)])), [0.8], tol: 1e-6)
        expectClose(values(try value(try MulticlassHingeLoss(numClasses: 3, multiclassMode: "one-vs-all"), [(mc, labels)])), [0.8, 0.95, 1.25], tol: 1e-6)
    }

    @Test func rankingMetrics() throws {
        let preds = Tensor([0.9, 0.1, 0.5, 0.2, 0.8, 0.3] as [Float], shape: [2, 3])
        let target = Tensor([1, 0, 1, 0, 0, 1] as [Int64], shape: [2, 3])
        // Coverage: row 0 needs 0.9 and 0.5 (2 labels), row 1 needs down to 0.3 (2 labels).
        expectClose(values(try value(try MultilabelCoverageError(numLabels: 3), [(preds, target)])), [2])
        // Ranking AP: row 0 ranks both relevant first (1); row 1 has 0.8 above its relevant 0.3 (1/2).
        expectClose(values(try value(try MultilabelRankingAveragePrecision(numLabels: 3), [(preds, target)])), [0.75])
        // Ranking loss: row 0 orders both pairs right; row 1 one of two pairs wrong.
        expectClose(values(try value(try MultilabelRankingLoss(numLabels: 3), [(preds, target)])), [0.25])
        // A batch where no row is mixed adds 0 over one row (TorchMetrics' rule).
        let m = try MultilabelRankingLoss(numLabels: 3)
        try m.update(preds: preds, target: target)
        try m.update(preds: Tensor([0.1, 0.2, 0.3] as [Float], shape: [1, 3]), target: Tensor([0, 0, 0] as [Int64], shape: [1, 3]))
        expectClose(values(try m.compute()), [0.5 / 3])
    }

    @Test func fairnessCreditsEachSampleToItsGroup() throws {
        let inputs: MetricInputs = ["preds": Tensor([0.9, 0.2, 0.7, 0.4] as [Float]), "target": Tensor([1, 0, 0, 1] as [Int64]),
                                    "groups": Tensor([0, 0, 1, 1] as [Int64])]
        let rates = entries(try BinaryGroupStatRates.compute(["num_groups": .int(2)], inputs))
        expectClose(values(rates["group_0"]!), [0.5, 0, 0.5, 0])
        expectClose(values(rates["group_1"]!), [0, 0.5, 0, 0.5])
        let fair = entries(try BinaryFairness.compute(["num_groups": .int(2)], inputs))
        // Positive rates 1/2 and 1/2 (first index wins the tie); true positive rates 1 and 0.
        expectClose(values(fair["DP_0_0"]!), [1])
        expectClose(values(fair["EO_1_0"]!), [0])
        // A batch holding only group 1 is credited to group 1.
        let m = try BinaryGroupStatRates(numGroups: 2)
        try m.update(["preds": Tensor([0.9] as [Float]), "target": Tensor([1] as [Int64]), "groups": Tensor([1] as [Int64])])
        #expect(m.state["tp"].toInt64s() == [0, 1])
        let bad: [MetricInputs] = [
            ["preds": Tensor([0.9] as [Float]), "target": Tensor([1] as [Int64]), "groups": Tensor([2] as [Int64])],
            ["preds": Tensor([0.9] as [Float]), "target": Tensor([1] as [Int64]), "groups": Tensor([0.0] as [Float])],
        ]
        #expect(try MetricChecker(make: { try BinaryFairness(numGroups: 2) }).checkRejects(bad, after: [inputs]).isEmpty)
    }
}
