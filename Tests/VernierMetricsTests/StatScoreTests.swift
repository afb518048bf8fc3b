import Foundation
import Testing
import Vernier
import VernierTestSupport

/// Hand-computed cases for the stat-score families (the fixtures cover the
/// common options; these cover the edges: ignore_index, absent classes,
/// zero division, top-k, samplewise, NaN, degenerate matrices, rejection).
@Suite("Stat scores")
struct StatScoreTests {
    static let registry = MetricRegistry.builtins()

    func probs(_ v: [Float], _ shape: [Int]? = nil) -> Tensor { Tensor(v, shape: shape) }
    func labels(_ v: [Int64], _ shape: [Int]? = nil) -> Tensor { Tensor(v, shape: shape) }

    /// Builds `spec`, feeds the batches, returns the value's elements and shape.
    func run(_ spec: String, _ batches: [(Tensor, Tensor)]) throws -> (values: [Double], shape: [Int]) {
        let m = try Self.registry.make(spec: spec)
        for (p, t) in batches { try m.update(preds: p, target: t) }
        let v = try #require(try m.compute().tensor)
        return (v.toDoubles(), v.shape)
    }

    func expectValues(_ spec: String, _ batches: [(Tensor, Tensor)], _ expected: [Double], shape: [Int]? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (values, s) = try run(spec, batches)
        #expect(values.count == expected.count, "\(spec): \(values) vs \(expected)", sourceLocation: sourceLocation)
        for (a, e) in zip(values, expected) {
            if e.isNaN { #expect(a.isNaN, "\(spec): \(values) vs \(expected)", sourceLocation: sourceLocation); continue }
            #expect(abs(a - e) <= 1e-6, "\(spec): \(values) vs \(expected)", sourceLocation: sourceLocation)
        }
        if let shape { #expect(s == shape, "\(spec): shape \(s), expected \(shape)", sourceLocation: sourceLocation) }
    }

    // Binary example: thresholded preds [1, 0, 1, 0, 1, 0] against target
    // [1, 0, 0, 1, 1, 0]: tp 2, fp 1, tn 2, fn 1.
    var binary: [(Tensor, Tensor)] {
        [(probs([0.9, 0.2, 0.7]), labels([1, 0, 0])), (probs([0.4, 0.6, 0.1]), labels([1, 1, 0]))]
    }

    @Test func binaryFamilyOnOneExample() throws {
        try expectValues("binary_stat_scores", binary, [2, 1, 2, 1, 3], shape: [5])
        try expectValues("binary_precision", binary, [2.0 / 3], shape: [])
        try expectValues("binary_recall", binary, [2.0 / 3])
        try expectValues("binary_f1_score", binary, [2.0 / 3])
        // F2 = 5·tp / (5·tp + 4·fn + fp) = 10 / 15.
        try expectValues("binary_fbeta_score:beta=2.0", binary, [10.0 / 15])
        try expectValues("binary_specificity", binary, [2.0 / 3])
        try expectValues("binary_negative_predictive_value", binary, [2.0 / 3])
        try expectValues("binary_hamming_distance", binary, [1.0 / 3])
        try expectValues("binary_jaccard_index", binary, [0.5])
        // (tp·tn - fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = 3 / 9.
        try expectValues("binary_matthews_corrcoef", binary, [1.0 / 3])
        // po = 4/6, pe = 1/2: κ = (2/3 - 1/2) / (1/2).
        try expectValues("binary_cohen_kappa", binary, [1.0 / 3])
        try expectValues("binary_confusion_matrix", binary, [2, 1, 1, 2], shape: [2, 2])
        try expectValues("binary_confusion_matrix:normalize=true", binary, [2.0 / 3, 1.0 / 3, 1.0 / 3, 2.0 / 3], shape: [2, 2])
        try expectValues("binary_confusion_matrix:normalize=all", binary, [2.0 / 6, 1.0 / 6, 1.0 / 6, 2.0 / 6])
    }

    @Test func binaryZeroDivisionAndIgnoreIndex() throws {
        // No positive prediction: precision is 0/0.
        let none = [(probs([0.1, 0.2]), labels([1, 0]))]
        try expectValues("binary_precision", none, [0])
        try expectValues("binary_precision:zero_division=1", none, [1])
        try expectValues("binary_f1_score:zero_division=1", [(probs([0.1, 0.2]), labels([0, 0]))], [1])
        // Specificity ignores zero_division like TorchMetrics: no negative target gives 0.
        try expectValues("binary_specificity:zero_division=1", [(probs([0.9]), labels([1]))], [0])
        // ignore_index=-1 drops the second position: tp 1, fn 1.
        try expectValues("binary_recall:ignore_index=-1", [(probs([0.9, 0.9, 0.1]), labels([1, -1, 1]))], [0.5])
        // ignore_index may be 0: every negative target is left out.
        try expectValues("binary_stat_scores:ignore_index=0", [(probs([0.9, 0.9, 0.1]), labels([1, 0, 1]))], [1, 0, 0, 1, 2])
    }

    @Test func binaryLogitsAndTheConfusionMatrixIgnoreRule() throws {
        // 5.0 is outside [0, 1], so the batch is logits: sigmoid(0.2) and
        // sigmoid(0.7) are above 0.5 -> both positive.
        let batch = [(probs([0.2, 0.7, 5.0]), labels([0, 1, -1]))]
        try expectValues("binary_stat_scores:ignore_index=-1", batch, [1, 1, 0, 0, 1])
        // The confusion-matrix metrics drop ignored positions before the
        // logits test (TorchMetrics' order): 0.2 and 0.7 are probabilities.
        try expectValues("binary_confusion_matrix:ignore_index=-1", batch, [1, 0, 0, 1])
        // NaN makes a batch logits; sigmoid(NaN) is not above the threshold.
        try expectValues("binary_stat_scores", [(probs([0.2, .nan, 0.9]), labels([0, 1, 1]))], [1, 1, 0, 1, 2])
        // input_format pins the reading: the same values read as logits.
        try expectValues("binary_stat_scores:input_format=logits", [(probs([0.2, 0.7]), labels([0, 1]))], [1, 1, 0, 0, 1])
    }

    @Test func samplewiseStatesStreamMergeAndCheckpoint() throws {
        let batches = [
            MetricInputs(preds: labels([0, 1, 1, 2, 2, 0], [2, 3]), target: labels([0, 1, 0, 2, 1, 0], [2, 3])),
            MetricInputs(preds: labels([1, 1, 1], [1, 3]), target: labels([1, -1, 0], [1, 3])),
            MetricInputs(preds: labels([2, 0, 1, 0, 0, 0], [2, 3]), target: labels([2, 0, 1, 1, 1, 1], [2, 3])),
        ]
        for spec in ["multiclass_f1_score:num_classes=3,multidim_average=samplewise,ignore_index=-1,average=none",
                     "multiclass_stat_scores:num_classes=3,multidim_average=samplewise,ignore_index=-1,average=weighted",
                     "multiclass_exact_match:num_classes=3,multidim_average=samplewise,ignore_index=-1"] {
            let checker = MetricChecker { try Self.registry.make(spec: spec) }
            let problems = try checker.checkAll(batches)
            #expect(problems.isEmpty, "\(spec): \(problems)")
            let m = try Self.registry.make(spec: spec)
            for b in batches { try m.update(b) }
            #expect(m.state.values.allSatisfy { v in
                if case .list(let items) = v { return items.allSatisfy { $0.dtype == .int32 } }
                return true
            }, "samplewise lists are int32")
            #expect(try m.compute().tensor!.shape.first == 5)
        }
    }

    @Test func mixedFormatRunsAreRecorded() throws {
        let m = try BinaryAccuracy()
        try m.update(preds: probs([0.2, 0.8]), target: labels([0, 1]))
        try m.update(preds: probs([-2, 3]), target: labels([0, 1]))
        let counts = m.state.values[m.state.index(of: "format_counts")!].tensorValue!.toInt64s()
        #expect(counts == [1, 1])
    }

    @Test func samplewise() throws {
        // Two samples of three positions.
        let p = probs([0.9, 0.1, 0.8, 0.2, 0.3, 0.7], [2, 3]), t = labels([1, 0, 0, 0, 0, 1], [2, 3])
        try expectValues("binary_precision:multidim_average=samplewise", [(p, t)], [0.5, 1], shape: [2])
        try expectValues("binary_stat_scores:multidim_average=samplewise", [(p, t)], [1, 1, 1, 0, 1, 1, 0, 2, 0, 1], shape: [2, 5])
        // Multiclass labels (N, X): sample 0 per-class recall [1/2, 1, absent], sample 1 [1, 0, 1].
        let mp = labels([0, 1, 1, 2, 2, 0], [2, 3]), mt = labels([0, 1, 0, 2, 1, 0], [2, 3])
        try expectValues("multiclass_accuracy:num_classes=3,multidim_average=samplewise", [(mp, mt)], [0.75, 2.0 / 3], shape: [2])
        try expectValues("multiclass_exact_match:num_classes=3,multidim_average=samplewise", [(mp, mt)], [0, 0])
        try expectValues("multiclass_recall:num_classes=3,multidim_average=samplewise,average=none", [(mp, mt)], [0.5, 1, 0, 1, 0, 1], shape: [2, 3])
    }

    // Multiclass example, C = 3: preds [0, 2, 1, 0], target [0, 1, 1, 0].
    // class 0: tp 2; class 1: tp 1, fn 1; class 2: fp 1.
    var multiclass: [(Tensor, Tensor)] { [(labels([0, 2]), labels([0, 1])), (labels([1, 0]), labels([1, 0]))] }

    @Test func multiclassAverages() throws {
        try expectValues("multiclass_precision:num_classes=3", multiclass, [2.0 / 3])
        try expectValues("multiclass_precision:num_classes=3,average=none", multiclass, [1, 1, 0], shape: [3])
        try expectValues("multiclass_recall:num_classes=3", multiclass, [0.5])
        try expectValues("multiclass_recall:num_classes=3,average=weighted", multiclass, [0.75])
        try expectValues("multiclass_recall:num_classes=3,average=micro", multiclass, [0.75])
        try expectValues("multiclass_recall:num_classes=3,zero_division=1", multiclass, [(1 + 0.5 + 1) / 3])
        // A fourth class, absent from preds and target, is left out of macro.
        try expectValues("multiclass_precision:num_classes=4", multiclass, [2.0 / 3])
        try expectValues("multiclass_precision:num_classes=4,average=None", multiclass, [1, 1, 0, 0])
        // Hamming: 1 - recall per class; micro 1 - 3/4.
        try expectValues("multiclass_hamming_distance:num_classes=3,average=micro", multiclass, [0.25])
        // Specificity per class: tn / (tn + fp) = [2/2, 2/2, 3/4].
        try expectValues("multiclass_specificity:num_classes=3,average=none", multiclass, [1, 1, 0.75])
        try expectValues("multiclass_stat_scores:num_classes=3,average=none", multiclass,
                         [2, 0, 2, 0, 2, 1, 0, 2, 1, 2, 0, 1, 3, 0, 0], shape: [3, 5])
        try expectValues("multiclass_stat_scores:num_classes=3,average=micro", multiclass, [3, 1, 7, 1, 4], shape: [5])
        try expectValues("multiclass_stat_scores:num_classes=3,average=macro", multiclass, [1, 1.0 / 3, 7.0 / 3, 1.0 / 3, 4.0 / 3])
        // Weighted by support [2, 2, 0]: the mean of the first two rows.
        try expectValues("multiclass_stat_scores:num_classes=3,average=weighted", multiclass, [1.5, 0, 2, 0.5, 2])
    }

    @Test func multiclassIgnoreIndex() throws {
        // Position 2 is ignored; class 1 has only a false negative.
        let batch = [(labels([0, 2, 1, 0]), labels([0, 1, -1, 0]))]
        try expectValues("multiclass_precision:num_classes=3,ignore_index=-1", batch, [1.0 / 3])
        try expectValues("multiclass_confusion_matrix:num_classes=3,ignore_index=-1", batch, [2, 0, 0, 0, 0, 1, 0, 0, 0])
        // ignore_index inside [0, C): targets of class 1 are dropped, its predictions still count.
        try expectValues("multiclass_confusion_matrix:num_classes=3,ignore_index=1", [(labels([0, 2, 1, 1]), labels([0, 1, 1, 2]))],
                         [1, 0, 0, 0, 0, 0, 0, 1, 0])
        // Jaccard leaves the ignored class out of micro and macro: per class [1, 0/1, 0/1].
        try expectValues("multiclass_jaccard_index:num_classes=3,ignore_index=1,average=micro", [(labels([0, 2, 1, 1]), labels([0, 1, 1, 2]))], [0.5])
        try expectValues("multiclass_jaccard_index:num_classes=3,ignore_index=1", [(labels([0, 2, 1, 1]), labels([0, 1, 1, 2]))], [0.5])
        // Sample 0 is right where it is not ignored; sample 1 misses its second position.
        try expectValues("multiclass_exact_match:num_classes=3,ignore_index=-1", [(labels([0, 2, 1, 0], [2, 2]), labels([0, -1, 1, 1], [2, 2]))], [0.5])
    }

    @Test func topKRules() throws {
        // Row 0: target 0 not in the top 2 {2, 1} -> counts as 2; row 1: target 1 in {0, 1}.
        let batch = [(probs([0.1, 0.3, 0.6, 0.5, 0.4, 0.1], [2, 3]), labels([0, 1]))]
        // Precision follows TorchMetrics' top-k rule: class 2 (no target) is left out -> (0 + 1) / 2.
        try expectValues("multiclass_precision:num_classes=3,top_k=2", batch, [0.5])
        // F1 does not: class 2 (a false positive) takes part -> (0 + 1 + 0) / 3.
        try expectValues("multiclass_f1_score:num_classes=3,top_k=2", batch, [1.0 / 3])
        try expectValues("multiclass_accuracy:num_classes=3,top_k=2,average=micro", batch, [0.5])
    }

    @Test func manyClassesCountPerClassLikeTheConfusionMatrix() throws {
        // Beyond 64 classes the stat scores are tallied per class rather than
        // read off a confusion matrix; both must agree.
        let c = 70, n = 5_000
        var rng = SplitMix(seed: 3)
        let preds = (0..<n).map { _ in Int64(rng.next() % UInt64(c)) }
        let target = (0..<n).map { i in i % 3 == 0 ? preds[i] : Int64(rng.next() % UInt64(c)) }
        let batch = [(labels(preds), labels(target))]
        let (m, _) = try run("multiclass_confusion_matrix:num_classes=\(c)", batch)
        let precision = (0..<c).map { k in
            let column = (0..<c).reduce(0.0) { $0 + m[$1 * c + k] }
            return column == 0 ? 0 : m[k * c + k] / column
        }
        try expectValues("multiclass_precision:num_classes=\(c),average=none", batch, precision)
    }

    @Test func multiclassScoresNaNAndInfinity() throws {
        // torch.argmax: the first NaN wins; +inf wins over finite scores; ties go to the first.
        let p = probs([0.1, .nan, 0.9, .nan, 1, .infinity, 0.5, -.infinity, 0.5, 0.2, 0.7, 0.7], [4, 3])
        // Labels: 1 (NaN), 0 (NaN first), 0 (tie), 1 (tie).
        try expectValues("multiclass_confusion_matrix:num_classes=3", [(p, labels([1, 1, 0, 1]))], [1, 0, 0, 1, 2, 0, 0, 0, 0])
        // Ten classes take the branch-free path; its NaN fallback must give the same answer.
        var wide = [Float](repeating: 0, count: 20)
        wide[3] = 2; wide[7] = .nan; wide[8] = 5
        wide[10 + 9] = 1; wide[10 + 2] = 1
        try expectValues("multiclass_confusion_matrix:num_classes=10", [(probs(wide, [2, 10]), labels([7, 2]))],
                         (0..<100).map { $0 == 7 * 10 + 7 || $0 == 2 * 10 + 2 ? 1 : 0 })
    }

    @Test func multilabel() throws {
        // Two labels over three samples: label 0 tp 1, fp 1, fn 0, tn 1; label 1 tp 1, fp 0, fn 1, tn 1.
        let p = probs([0.9, 0.8, 0.7, 0.1, 0.2, 0.3], [3, 2]), t = labels([1, 1, 0, 0, 0, 1], [3, 2])
        try expectValues("multilabel_precision:num_labels=2,average=none", [(p, t)], [0.5, 1])
        try expectValues("multilabel_recall:num_labels=2", [(p, t)], [0.75])
        try expectValues("multilabel_accuracy:num_labels=2,average=micro", [(p, t)], [4.0 / 6])
        try expectValues("multilabel_hamming_distance:num_labels=2,average=micro", [(p, t)], [2.0 / 6])
        try expectValues("multilabel_confusion_matrix:num_labels=2", [(p, t)], [1, 1, 0, 1, 1, 0, 1, 1], shape: [2, 2, 2])
        try expectValues("multilabel_confusion_matrix:num_labels=2,normalize=pred", [(p, t)], [1, 0.5, 0, 0.5, 0.5, 0, 0.5, 1])
        try expectValues("multilabel_exact_match:num_labels=2", [(p, t)], [1.0 / 3])
        // Matthews of the summed matrix [[2, 1], [1, 2]].
        try expectValues("multilabel_matthews_corrcoef:num_labels=2", [(p, t)], [1.0 / 3])
        try expectValues("multilabel_stat_scores:num_labels=2,average=none", [(p, t)], [1, 1, 1, 0, 1, 1, 0, 1, 1, 2], shape: [2, 5])
        // An ignored label counts as right for exact match.
        try expectValues("multilabel_exact_match:num_labels=2,ignore_index=-1", [(p, labels([1, 1, -1, 0, 0, 1], [3, 2]))], [2.0 / 3])
    }

    @Test func degenerateMatrices() throws {
        let negatives = [(probs([0.1, 0.2]), labels([0, 0]))]
        // Every sample right: Matthews is 1; kappa has no expected disagreement: NaN.
        try expectValues("binary_matthews_corrcoef", negatives, [1])
        try expectValues("binary_cohen_kappa", negatives, [.nan])
        try expectValues("binary_matthews_corrcoef", [(probs([0.9, 0.2]), labels([0, 1]))], [-1])
        // Normalising an empty target row divides 0 by 0: 0, not NaN.
        try expectValues("binary_confusion_matrix:normalize=true", negatives, [1, 0, 0, 0])
        // Nothing counted (every target ignored): MCC 0, Jaccard macro has no class: NaN like TorchMetrics.
        try expectValues("binary_matthews_corrcoef:ignore_index=-1", [(probs([0.9]), labels([-1]))], [0])
        try expectValues("multiclass_jaccard_index:num_classes=3,ignore_index=-1", [(labels([0]), labels([-1]))], [.nan])
        // Weighted kappa over 3 classes: diagonal counts only -> 1.
        try expectValues("multiclass_cohen_kappa:num_classes=3,weights=quadratic", [(labels([0, 1, 2]), labels([0, 1, 2]))], [1])
    }

    @Test func emptyBatchesCountNothing() throws {
        let empty = (Tensor.zeros([0, 3], dtype: .float32), Tensor.zeros([0], dtype: .int64))
        try expectValues("multiclass_precision:num_classes=3", [empty], [0])
        try expectValues("multiclass_precision:num_classes=3", [empty] + multiclass, [2.0 / 3])
        try expectValues("binary_stat_scores", [(Tensor.zeros([0], dtype: .float32), Tensor.zeros([0], dtype: .int64))], [0, 0, 0, 0, 0])
    }

    @Test func swiftInitialisersMatchTheRegistry() throws {
        let f1 = try MulticlassF1Score(numClasses: 3, average: .weighted)
        try f1.update(preds: labels([0, 2, 1, 0]), target: labels([0, 1, 1, 0]))
        // F1 per class [1, 2/3, 0], support [2, 2, 0].
        #expect(abs(try f1.compute().doubleValue! - (2 * 1 + 2 * 2.0 / 3) / 4) < 1e-6)
        let fb = try BinaryFBetaScore(beta: 0.5)
        try fb.update(preds: probs([0.9, 0.9, 0.1]), target: labels([1, 0, 1]))
        // tp 1, fp 1, fn 1: 1.25 / (1.25 + 0.25 + 1).
        #expect(abs(try fb.compute().doubleValue! - 1.25 / 2.5) < 1e-6)
        let cm = try MulticlassConfusionMatrix(numClasses: 2, normalize: .pred)
        try cm.update(preds: labels([0, 0, 1]), target: labels([0, 1, 1]))
        #expect(try cm.compute().tensor!.toDoubles() == [0.5, 0, 0.5, 1])
        #expect(f1.computeGroupKey == (try MulticlassPrecision(numClasses: 3)).computeGroupKey)
        #expect(cm.computeGroupKey != (try MulticlassPrecision(numClasses: 2)).computeGroupKey)
    }

    @Test func swiftInitialisersResolveLikeTheRegistry() throws {
        let cases: [(any Metric, [String: OptionValue])] = [
            (try BinaryAccuracy(threshold: 0.3, multidimAverage: .samplewise), ["threshold": .double(0.3), "multidim_average": .string("samplewise")]),
            (try MultilabelStatScores(numLabels: 3, average: .micro), ["num_labels": .int(3), "average": .string("micro")]),
            (try MulticlassHammingDistance(numClasses: 4, topK: 2, ignoreIndex: 0),
             ["num_classes": .int(4), "top_k": .int(2), "ignore_index": .int(0)]),
            (try MultilabelFBetaScore(beta: 2, numLabels: 3, zeroDivision: 1), ["beta": .double(2), "num_labels": .int(3), "zero_division": .int(1)]),
            (try MulticlassExactMatch(numClasses: 3, multidimAverage: .samplewise), ["num_classes": .int(3), "multidim_average": .string("samplewise")]),
            (try MultilabelExactMatch(numLabels: 2, threshold: 0.7), ["num_labels": .int(2), "threshold": .double(0.7)]),
            (try MultilabelJaccardIndex(numLabels: 2, average: .none, zeroDivision: 1),
             ["num_labels": .int(2), "average": .string("none"), "zero_division": .int(1)]),
            (try BinaryMatthewsCorrCoef(ignoreIndex: -1), ["ignore_index": .int(-1)]),
            (try BinaryCohenKappa(weights: .quadratic), ["weights": .string("quadratic")]),
            (try MultilabelConfusionMatrix(numLabels: 2, normalize: .all), ["num_labels": .int(2), "normalize": .string("all")]),
        ]
        for (metric, given) in cases {
            let expected = try Self.registry.make(metric.name, given)
            #expect(metric.options == expected.options, "\(metric.name): \(metric.options) vs \(expected.options)")
            #expect(metric.computeGroupKey == expected.computeGroupKey, "\(metric.name)")
        }
    }

    @Test func aGenericFamilyNamesItsTaskAndRefusesATaskItLacks() throws {
        #expect(MultilabelNegativePredictiveValue.descriptor.name == "multilabel_negative_predictive_value")
        #expect(try BinaryAccuracy(threshold: 0.3).name == "binary_accuracy")
        // TorchMetrics has no multilabel Cohen's kappa: the generic type spelled out gets an error, not a crash.
        typealias MultilabelCohenKappa = ClassificationMetric<CohenKappaFormula, MultilabelTask>
        #expect(MultilabelCohenKappa.descriptor.summary.hasPrefix("not a metric"))
        #expect(throws: MetricError.self) { try MultilabelCohenKappa(options: MetricOptions()) }
        #expect(throws: MetricError.self) { try MultilabelCohenKappa.descriptor.make(["num_labels": .int(3)]) }
    }

    @Test func optionsAreChecked() throws {
        for spec in ["binary_precision:zero_division=0.5", "binary_fbeta_score", "binary_fbeta_score:beta=0",
                     "multiclass_recall:num_classes=3,top_k=4", "multiclass_recall", "binary_confusion_matrix:normalize=rows",
                     "binary_cohen_kappa:weights=cubic", "multiclass_confusion_matrix:num_classes=3,top_k=2", "binary_jaccard_index:average=macro"] {
            #expect(throws: MetricError.self, "\(spec) should be rejected") { try Self.registry.make(spec: spec) }
        }
    }

    @Test func badBatchesAreRejectedWithStateUnchanged() throws {
        func check(_ spec: String, good: (Tensor, Tensor), bad: [(Tensor, Tensor)]) throws {
            let checker = MetricChecker { try Self.registry.make(spec: spec) }
            let problems = try checker.checkRejects(bad.map { MetricInputs(preds: $0.0, target: $0.1) }, after: [MetricInputs(preds: good.0, target: good.1)])
            #expect(problems.isEmpty, "\(spec): \(problems)")
        }
        let good = (probs([0.2, 0.8]), labels([0, 1]))
        try check("binary_precision", good: good, bad: [
            (probs([0.2, 0.8]), labels([0, 2])),                    // target out of {0, 1}
            (labels([0, 2]), labels([0, 1])),                       // integer preds must be 0/1
            (probs([0.2, 0.8, 0.5]), labels([0, 1])),               // shapes differ
            (probs([0.2, 0.8]), probs([0, 0.5])),                   // non-integral target
        ])
        try check("binary_precision:input_format=probs", good: good, bad: [(probs([0.2, 1.5]), labels([0, 1]))])
        try check("binary_precision:input_format=labels", good: (labels([0, 1]), labels([0, 1])), bad: [good])
        try check("binary_precision:multidim_average=samplewise", good: (probs([0.2, 0.8], [1, 2]), labels([0, 1], [1, 2])), bad: [good])
        try check("binary_confusion_matrix:ignore_index=-1", good: good, bad: [(labels([1, 1]), labels([-1, 3]))])
        let mcGood = (probs([0.2, 0.8, 0.6, 0.4], [2, 2]), labels([1, 0]))
        try check("multiclass_f1_score:num_classes=2", good: mcGood, bad: [
            (probs([0.2, 0.8, 0.6, 0.4], [2, 2]), labels([1, 2])),  // target out of range
            (labels([0, 5]), labels([0, 1])),                       // label preds out of range
            (probs([0.2, 0.8, 0.6, 0.4, 0.1, 0.2], [2, 3]), labels([1, 0])), // C = 3 scores for 2 classes
            (labels([0, 1], [2, 1]), labels([0, 1])),               // integer scores
            (probs([0.2, 0.8, 0.6, 0.4], [2, 2, 1]), labels([1, 0])), // two more dimensions than target
        ])
        try check("multiclass_f1_score:num_classes=2,top_k=2", good: mcGood, bad: [(labels([0, 1]), labels([0, 1]))])
        try check("multiclass_confusion_matrix:num_classes=2,ignore_index=-100", good: mcGood, bad: [(labels([0, 1]), labels([-1, 1]))])
        try check("multilabel_recall:num_labels=2", good: (probs([0.2, 0.8], [1, 2]), labels([0, 1], [1, 2])), bad: [
            (probs([0.2, 0.8, 0.1], [1, 3]), labels([0, 1, 1], [1, 3])), // 3 labels for num_labels=2
            (probs([0.2, 0.8], [1, 2]), labels([0, 7], [1, 2])),
        ])
        try check("multilabel_exact_match:num_labels=2,multidim_average=samplewise", good: (probs([0.2, 0.8], [1, 2, 1]), labels([0, 1], [1, 2, 1])),
                  bad: [(probs([0.2, 0.8], [1, 2]), labels([0, 1], [1, 2]))])
    }

    @Test func largeBatchesSplitAcrossChunksCountLikeAPlainLoop() throws {
        // Enough rows for several parallel chunks; counts checked against a direct tally.
        let n = 600_000, c = 5
        var rng = SplitMix(seed: 7)
        var scores = [Float](repeating: 0, count: n * c), target = [Int64](repeating: 0, count: n)
        var expected = [Double](repeating: 0, count: c * c)
        for i in 0..<n {
            for k in 0..<c { scores[i * c + k] = Float(rng.next() % 1000) / 1000 + Float(k) * 1e-4 }
            target[i] = Int64(rng.next() % UInt64(c))
            var best = 0
            for k in 1..<c where scores[i * c + k] > scores[i * c + best] { best = k }
            expected[Int(target[i]) * c + best] += 1
        }
        let batch = [(probs(scores, [n, c]), labels(target))]
        try expectValues("multiclass_confusion_matrix:num_classes=5", batch, expected)
        let recall = (0..<c).map { k in expected[k * c + k] / (0..<c).reduce(0.0) { $0 + expected[k * c + $1] } }
        try expectValues("multiclass_recall:num_classes=5,average=none", batch, recall)
        // A segmentation-shaped batch (2 maps, 4 classes, 200,000 pixels) is
        // split across chunks by position rather than by sample.
        let maps = 2, pixels = 200_000, k = 4
        var seg = [Float](repeating: 0, count: maps * k * pixels), segTarget = [Int64](repeating: 0, count: maps * pixels)
        var segExpected = [Double](repeating: 0, count: k * k)
        for s in 0..<maps {
            for x in 0..<pixels {
                var best = 0
                for j in 0..<k {
                    seg[(s * k + j) * pixels + x] = Float(rng.next() % 10_000) / 10_000 + Float(j) * 1e-5
                    if seg[(s * k + j) * pixels + x] > seg[(s * k + best) * pixels + x] { best = j }
                }
                segTarget[s * pixels + x] = x % 7 == 0 ? -1 : Int64(rng.next() % UInt64(k))
                if segTarget[s * pixels + x] >= 0 { segExpected[Int(segTarget[s * pixels + x]) * k + best] += 1 }
            }
        }
        try expectValues("multiclass_confusion_matrix:num_classes=4,ignore_index=-1", [(probs(seg, [maps, k, pixels]), labels(segTarget, [maps, pixels]))], segExpected)
        // Samplewise multilabel over many samples writes each sample's own row.
        let m = 300_000
        let mp = (0..<(m * 2)).map { Float($0 % 3) / 2 }, mt = (0..<(m * 2)).map { Int64($0 % 2) }
        let (sw, shape) = try run("multilabel_accuracy:num_labels=2,average=micro,multidim_average=samplewise",
                                  [(probs(mp, [m, 2, 1]), labels(mt, [m, 2, 1]))])
        #expect(shape == [m])
        let mismatches = (0..<m).filter { i in
            let right = (0..<2).filter { l in (mp[i * 2 + l] > 0.5 ? 1 : 0) == mt[i * 2 + l] }.count
            return abs(sw[i] - Double(right) / 2) > 1e-6
        }
        #expect(mismatches.isEmpty)
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
