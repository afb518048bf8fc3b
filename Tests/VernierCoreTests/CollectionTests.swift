import Foundation
import Testing
import Vernier
import VernierTestSupport

/// A test metric that counts its `updateState` calls: the state is
/// `total = Σ |preds - target|` (float64, or one sum per column with
/// `columns`), the value `total * scale` (`scale` only shapes compute, so it
/// stays out of the group key, as `average` does for stat scores).
final class CountingMetric: Metric {
    let name = "counting"
    let options: MetricOptions
    let inputNames = ["preds", "target"]
    var storage: MetricStorage
    let computeGroupKey: String?
    let scale: Double
    private(set) var updateCalls = 0

    init(key: String?, scale: Double = 1, columns: Int? = nil) {
        computeGroupKey = key
        self.scale = scale
        options = MetricOptions(["scale": .double(scale), "columns": columns.map { .int($0) } ?? .none])
        storage = MetricStorage([StateSpec("total", .zeros(columns.map { [$0] } ?? [], dtype: .float64), .sum)])
    }

    func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        updateCalls += 1
        let diff = try Tensor.binary(.sub, inputs.tensor("preds", metric: name), inputs.tensor("target", metric: name)).abs()
        let shape = state["total"].shape
        state["total"] = state["total"] + (shape.isEmpty ? diff.sum() : try diff.sum(axis: 0))
    }

    func computeValue(from state: MetricState) throws -> MetricValue { .tensor(state["total"] * scale) }
}

func floats(_ v: [Float], _ shape: [Int]? = nil) -> Tensor { Tensor(v, shape: shape) }
func labels(_ v: [Int64]) -> Tensor { Tensor(v) }

/// The scalar under `key` of a dictionary value.
func scalar(_ v: MetricValue, _ key: String) -> Double? {
    guard case .dict(let d) = v else { return nil }
    return d[key]?.doubleValue
}

@Suite("Metric collections")
struct CollectionTests {
    // Three-class batches: preds are labels, targets labels.
    let batch1 = MetricInputs(preds: labels([0, 1, 2, 2]), target: labels([0, 1, 1, 2]))
    let batch2 = MetricInputs(preds: labels([1, 1, 0]), target: labels([1, 2, 0]))

    @Test func computeGroupUpdatesSharedStateOncePerBatch() throws {
        let a = CountingMetric(key: "sum"), b = CountingMetric(key: "sum", scale: 2), c = CountingMetric(key: nil)
        let collection = try MetricCollection(["a": a, "b": b, "c": c])
        #expect(collection.computeGroups == [["a", "b"], ["c"]])
        #expect(collection.state.specs.map(\.name) == ["g0/total", "g1/total"])
        let x = MetricInputs(preds: floats([1, 2, 3]), target: floats([0, 0, 0]))
        try collection.update(x)
        try collection.update(x)
        // The group {a, b} is updated through a alone, once per batch; c is its own group.
        #expect(a.updateCalls == 2)
        #expect(b.updateCalls == 0)
        #expect(c.updateCalls == 2)
        // total = 2 batches * (1 + 2 + 3) = 12; b scales by 2.
        let v = try collection.compute()
        #expect(scalar(v, "a") == 12)
        #expect(scalar(v, "b") == 24)
        #expect(scalar(v, "c") == 12)
    }

    @Test func equalKeysWithDifferentLayoutsAreNotGrouped() throws {
        let scalarSum = CountingMetric(key: "sum"), columnSums = CountingMetric(key: "sum", columns: 2)
        let collection = try MetricCollection(["scalar": scalarSum, "columns": columnSums])
        #expect(collection.computeGroups == [["scalar"], ["columns"]])
        try collection.update(MetricInputs(preds: floats([1, 2, 3, 4], [2, 2]), target: floats([0, 0, 0, 0], [2, 2])))
        #expect(scalarSum.updateCalls == 1 && columnSums.updateCalls == 1)
        let v = try collection.compute()
        #expect(scalar(v, "scalar") == 10)                                  // 1 + 2 + 3 + 4
        guard case .dict(let d) = v else { Issue.record("not a dict"); return }
        #expect(d["columns"]?.tensor?.toDoubles() == [4, 6])               // [1 + 3, 2 + 4]
    }

    @Test func computeGroupsCanBeTurnedOff() throws {
        let a = CountingMetric(key: "sum"), b = CountingMetric(key: "sum")
        let collection = try MetricCollection(["a": a, "b": b], computeGroups: false)
        try collection.update(MetricInputs(preds: floats([1]), target: floats([0])))
        #expect(collection.computeGroups == [["a"], ["b"]])
        #expect(a.updateCalls == 1 && b.updateCalls == 1)
    }

    @Test func groupedResultsEqualSeparateMetrics() throws {
        let make: () throws -> [(String, any Metric)] = {
            [("macro", try MulticlassAccuracy(numClasses: 3)),
             ("micro", try MulticlassAccuracy(numClasses: 3, average: .micro)),
             ("per_class", try MulticlassAccuracy(numClasses: 3, average: .none)),
             ("ignore0", try MulticlassAccuracy(numClasses: 3, ignoreIndex: 0)),
             ("mse", try MeanSquaredError())]
        }
        let collection = try MetricCollection(try make())
        // macro, micro and per-class accuracy share stat scores; ignore_index changes them; MSE has no key.
        #expect(collection.computeGroups == [["macro", "micro", "per_class"], ["ignore0"], ["mse"]])
        let separate = try make()
        for b in [batch1, batch2] {
            try collection.update(b)
            for (_, m) in separate { try m.update(b) }
        }
        guard case .dict(let d) = try collection.compute() else { Issue.record("not a dict"); return }
        #expect(Array(d.keys) == ["macro", "micro", "per_class", "ignore0", "mse"])
        for (n, m) in separate {
            let expected = try m.compute().tensor!, got = d[n]!.tensor!
            #expect(got.isIdentical(to: expected), "\(n): \(got) vs \(expected)")
        }
        // Hand check: over both batches, preds [0,1,2,2,1,1,0] vs target [0,1,1,2,1,2,0]:
        // 5 of 7 correct (micro); recall per class [2/2, 2/3, 1/2] (macro = 0.7222...).
        #expect(abs(d["micro"]!.doubleValue! - 5.0 / 7.0) < 1e-6)
        #expect(abs(d["macro"]!.doubleValue! - (1 + 2.0 / 3 + 0.5) / 3) < 1e-6)
        // MSE of labels: squared differences [0,0,1,0,0,1,0] -> 2/7.
        #expect(abs(d["mse"]!.doubleValue! - 2.0 / 7.0) < 1e-6)
    }

    @Test func prefixAndPostfixNameResults() throws {
        let collection = try MetricCollection([try MeanSquaredError(), try MeanAbsoluteError()], prefix: "val_", postfix: "_epoch")
        try collection.update(preds: floats([1, 3]), target: floats([0, 0]))
        guard case .dict(let d) = try collection.compute() else { Issue.record("not a dict"); return }
        #expect(Array(d.keys) == ["val_mean_squared_error_epoch", "val_mean_absolute_error_epoch"])
        #expect(d["val_mean_squared_error_epoch"]?.doubleValue == 5)        // (1 + 9) / 2
        #expect(d["val_mean_absolute_error_epoch"]?.doubleValue == 2)       // (1 + 3) / 2
    }

    @Test func repeatedOrEmptyNamesAreRejected() throws {
        #expect(throws: MetricError.self) { try MetricCollection([try MeanSquaredError(), try MeanSquaredError()]) }
        #expect(throws: MetricError.self) { try MetricCollection([(String, any Metric)]()) }
        do { _ = try MetricCollection([("", try MeanSquaredError())]); Issue.record("accepted an empty name") } catch {
            #expect("\(error)".contains("metric_collection") && "\(error)".contains("name"))
        }
    }

    @Test func eachMemberGetsOnlyItsOwnInputs() throws {
        // MeanMetric takes `value` and an optional `weight`; MSE takes preds/target.
        let collection = try MetricCollection(["mean": try MeanMetric(), "mse": try MeanSquaredError()])
        #expect(collection.inputNames == ["value", "preds", "target"])
        #expect(collection.optionalInputNames == ["weight"])
        try collection.update(["value": floats([1, 2, 4]), "weight": floats([1, 1, 2]), "preds": floats([2]), "target": floats([0])])
        let v = try collection.compute()
        #expect(scalar(v, "mean") == 2.75)         // (1 + 2 + 8) / 4
        #expect(scalar(v, "mse") == 4)
        // A missing argument names the member that needs it.
        do { try collection.update(["value": floats([1])]); Issue.record("accepted a batch without preds") } catch {
            #expect("\(error)".contains("mean_squared_error") && "\(error)".contains("preds"))
        }
    }

    @Test func badBatchLeavesEveryMemberUnchanged() throws {
        let collection = try MetricCollection(["mse": try MeanSquaredError(), "acc": try MulticlassAccuracy(numClasses: 3)])
        try collection.update(batch1)
        let before = collection.state.values, valueBefore = try collection.compute()
        // Valid for MSE (updated first, group g0), invalid for accuracy: label 3 with 3 classes.
        let bad = MetricInputs(preds: labels([0, 1]), target: labels([0, 3]))
        do { try collection.update(bad); Issue.record("accepted") } catch {
            #expect("\(error)".contains("multiclass_accuracy") && "\(error)".contains("target"))
        }
        #expect(zip(before, collection.state.values).allSatisfy { $0.isIdentical(to: $1) })
        #expect(collection.updateCount == 1)
        #expect(scalar(try collection.compute(), "mse") == scalar(valueBefore, "mse"))
        #expect(throws: MetricError.self) { _ = try collection.forward(bad) }
        #expect(zip(before, collection.state.values).allSatisfy { $0.isIdentical(to: $1) })
    }

    @Test func checkpointRoundTripOfAWholeCollection() throws {
        let make = { try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 3), "f": try MulticlassAccuracy(numClasses: 3, average: .micro),
                                           "cat": try CatMetric(), "mse": try MeanSquaredError()]) }
        let m = try make()
        for (i, b) in [batch1, batch2].enumerated() {
            var inputs = b
            inputs["value"] = .tensor(floats([Float(i), 10]))
            try m.update(inputs)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-coll-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let r = try make()
        try r.load(from: url)
        #expect(r.updateCount == 2)
        #expect(zip(m.state.values, r.state.values).allSatisfy { $0.isIdentical(to: $1) })
        guard case .dict(let d) = try r.compute() else { Issue.record("not a dict"); return }
        #expect(d["cat"]?.tensor?.toDoubles() == [0, 10, 1, 10])
        #expect(abs(d["f"]!.doubleValue! - 5.0 / 7.0) < 1e-6)
        // A collection with other members (or options) refuses the file and stays as it was.
        let other = try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 4), "f": try MulticlassAccuracy(numClasses: 3, average: .micro),
                                          "cat": try CatMetric(), "mse": try MeanSquaredError()])
        #expect(throws: MetricError.self) { try other.load(from: url) }
        #expect(other.updateCount == 0)
    }

    @Test func mergeOfTwoCollectionsEqualsOneFedEverything() throws {
        let make = { try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 3), "micro": try MulticlassAccuracy(numClasses: 3, average: .micro),
                                           "mse": try MeanSquaredError()], prefix: "p_") }
        let a = try make(), b = try make(), whole = try make()
        try a.update(batch1)
        try b.update(batch2)
        try whole.update(batch1)
        try whole.update(batch2)
        try a.merge(b)
        #expect(a.updateCount == 2)
        guard case .dict(let merged) = try a.compute(), case .dict(let expected) = try whole.compute() else { Issue.record("not dicts"); return }
        for (k, v) in expected { #expect(merged[k]!.tensor!.isIdentical(to: v.tensor!), "\(k)") }
        // Other prefix: other options, no merge.
        let c = try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 3), "micro": try MulticlassAccuracy(numClasses: 3, average: .micro),
                                      "mse": try MeanSquaredError()], prefix: "q_")
        try c.update(batch1)
        #expect(throws: MetricError.self) { try a.merge(c) }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker {
            try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 3), "micro": try MulticlassAccuracy(numClasses: 3, average: .micro),
                                  "mae": try MeanAbsoluteError()])
        }
        let bad = [MetricInputs(preds: labels([0]), target: labels([5]))]
        let problems = try checker.checkAll([batch1, batch2, MetricInputs(preds: labels([2, 0]), target: labels([2, 2]))], bad: bad)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func forwardReturnsTheBatchValuesOfEveryMember() throws {
        let collection = try MetricCollection([try MeanSquaredError(), try MeanAbsoluteError()])
        let first = try collection.forward(preds: floats([2]), target: floats([0]))
        #expect(scalar(first, "mean_squared_error") == 4 && scalar(first, "mean_absolute_error") == 2)
        _ = try collection.forward(preds: floats([0, 0]), target: floats([1, 1]))
        // Accumulated: squared errors [4, 1, 1] -> 2; absolute [2, 1, 1] -> 4/3.
        let all = try collection.compute()
        #expect(scalar(all, "mean_squared_error") == 2)
        #expect(abs(scalar(all, "mean_absolute_error")! - 4.0 / 3) < 1e-6)
    }

    @Test func resetClearsEveryGroup() throws {
        let collection = try MetricCollection([try MeanSquaredError(), try MulticlassAccuracy(numClasses: 3)])
        try collection.update(batch1)
        collection.reset()
        #expect(collection.updateCount == 0)
        #expect(zip(collection.state.values, collection.freshState().values).allSatisfy { $0.isIdentical(to: $1) })
        #expect(throws: MetricError.self) { try collection.compute() }
    }
}

/// The examples of Docs/Collections.md, verbatim, with their values checked.
@Suite("Docs/Collections.md: collections")
struct CollectionDocExamples {
    @Test func quickStart() throws {
        let metrics = try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 3),
                                            "acc_micro": try MulticlassAccuracy(numClasses: 3, average: .micro),
                                            "mse": try MeanSquaredError()],
                                           prefix: "val_")
        try metrics.update(preds: Tensor([0, 1, 2, 2] as [Int64]), target: Tensor([0, 1, 1, 2] as [Int64]))
        let results = try metrics.compute()      // .dict: val_acc, val_acc_micro, val_mse
        print(metrics.computeGroups)             // [["acc", "acc_micro"], ["mse"]]

        #expect(metrics.computeGroups == [["acc", "acc_micro"], ["mse"]])
        let v = numbers(results)
        #expect(close(v["val_acc"], 2.5 / 3))          // recall per class [1, 1/2, 1]
        #expect(v["val_acc_micro"] == 0.75)             // 3 of 4 correct
        #expect(v["val_mse"] == 0.25)                   // squared differences [0, 0, 1, 0]
    }

    @Test func inputsPerMember() throws {
        let stats = try MetricCollection(["mean": try MeanMetric(), "mse": try MeanSquaredError()])
        try stats.update(["value": Tensor([1, 2, 4] as [Float]), "weight": Tensor([1, 1, 2] as [Float]),
                          "preds": Tensor([2] as [Float]), "target": Tensor([0] as [Float])])
        // mean: (1 + 2 + 2 * 4) / 4 = 2.75; mse: 4

        #expect(numbers(try stats.compute()) == ["mean": 2.75, "mse": 4])
    }

    @Test func mergeAndCheckpoint() throws {
        func makeMetrics() throws -> MetricCollection {
            try MetricCollection([try MeanSquaredError(), try MeanAbsoluteError()], postfix: "_epoch")
        }
        let rank0 = try makeMetrics(), rank1 = try makeMetrics()
        try rank0.update(preds: Tensor([1] as [Float]), target: Tensor([0] as [Float]))
        try rank1.update(preds: Tensor([3] as [Float]), target: Tensor([0] as [Float]))
        try rank0.merge(rank1)                   // mean_squared_error_epoch 5, mean_absolute_error_epoch 2

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("metrics.safetensors")
        try rank0.save(to: url)                  // the whole collection, one file
        let restored = try makeMetrics()
        try restored.load(from: url)

        defer { try? FileManager.default.removeItem(at: url) }
        #expect(numbers(try restored.compute()) == ["mean_squared_error_epoch": 5, "mean_absolute_error_epoch": 2])
    }
}
