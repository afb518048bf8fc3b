import Foundation
import Testing
import Vernier
import VernierTestSupport

@Suite("Metric core")
struct MetricCoreTests {
    let registry = MetricRegistry.builtins()

    func batch(_ p: [Float], _ t: [Float]) -> MetricInputs { MetricInputs(preds: Tensor(p), target: Tensor(t)) }

    @Test func computeBeforeUpdateIsAClearError() throws {
        let m = try MeanSquaredError()
        #expect(throws: MetricError.self) { try m.compute() }
        do { _ = try m.compute() } catch { #expect("\(error)".contains("mean_squared_error")) }
    }

    @Test func updateComputeResetAndCache() throws {
        let m = try MeanSquaredError()
        try m.update(batch([1, 2], [0, 0]))          // (1 + 4) / 2
        #expect(try m.compute().doubleValue == 2.5)
        try m.update(batch([3], [1]))                // (1 + 4 + 4) / 3
        #expect(try m.compute().doubleValue == 3.0)
        #expect(m.updateCount == 2)
        m.reset()
        #expect(m.updateCount == 0)
        #expect(throws: MetricError.self) { try m.compute() }
    }

    @Test func rejectedBatchLeavesStateUnchanged() throws {
        let m = try MulticlassAccuracy(numClasses: 3)
        try m.update(preds: Tensor([0, 1, 2] as [Int64]), target: Tensor([0, 1, 1] as [Int64]))
        let before = m.state.values
        // target 3 is out of range for 3 classes: rejected after other rows were valid.
        #expect(throws: MetricError.self) {
            try m.update(preds: Tensor([0, 1] as [Int64]), target: Tensor([0, 3] as [Int64]))
        }
        #expect(zip(before, m.state.values).allSatisfy { $0.isIdentical(to: $1) })
        #expect(m.updateCount == 1)
        // macro over classes 0,1,2 with tp=[1,1,0], support=[1,2,0] -> class 2 is absent
        // from target but predicted, so it counts: (1 + 0.5 + 0) / 3.
        #expect(abs(try m.compute().doubleValue! - 0.5) < 1e-7)
    }

    @Test func errorNamesMetricArgumentAndExpectation() throws {
        let m = try MeanSquaredError()
        do {
            try m.update(batch([1, 2, 3], [1, 2]))
            Issue.record("shape mismatch accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("mean_squared_error") && text.contains("target") && text.contains("[3]"))
        }
    }

    @Test func forwardReturnsBatchValueAndAccumulates() throws {
        let m = try MeanAbsoluteError()
        let v1 = try m.forward(batch([1, 1], [0, 0]))
        let v2 = try m.forward(batch([4], [0]))
        #expect(v1.doubleValue == 1)
        #expect(v2.doubleValue == 4)
        #expect(try m.compute().doubleValue == 2)   // (1 + 1 + 4) / 3
    }

    @Test func mergeCombinesAndRejectsOtherOptions() throws {
        let a = try MeanSquaredError(), b = try MeanSquaredError()
        try a.update(batch([1], [0]))
        try b.update(batch([3, 3], [0, 0]))
        try a.merge(b)
        #expect(abs(try a.compute().doubleValue! - (1 + 9 + 9) / 3.0) < 1e-6)
        #expect(a.updateCount == 2)
        let rmse = try MeanSquaredError(squared: false)
        try rmse.update(batch([1], [0]))
        #expect(throws: MetricError.self) { try a.merge(rmse) }
    }

    @Test func registryErrorsListWhatIsAccepted() throws {
        do { _ = try registry.make("multiclass_acuracy"); Issue.record("accepted") } catch {
            #expect("\(error)".contains("multiclass_acuracy"))
        }
        do { _ = try registry.make("multiclass_accuracy", ["num_classes": .int(3), "avg": .string("macro")]); Issue.record("accepted") } catch {
            #expect("\(error)".contains("avg") && "\(error)".contains("average"))
        }
        do { _ = try registry.make("multiclass_accuracy", ["num_classes": .int(3), "average": .string("mean")]); Issue.record("accepted") } catch {
            #expect("\(error)".contains("'macro'"))
        }
        do { _ = try registry.make("multiclass_accuracy"); Issue.record("accepted without num_classes") } catch {
            #expect("\(error)".contains("num_classes") && "\(error)".contains("required"))
        }
        do { _ = try registry.make("multiclass_accuracy", ["num_classes": .int(3), "top_k": .int(4)]); Issue.record("accepted") } catch {
            #expect("\(error)".contains("top_k"))
        }
    }

    @Test func specParsing() throws {
        let s = try MetricSpec(parsing: "binary_precision_recall_curve:thresholds=[0.1,0.5],ignore_index=None,average=macro")
        #expect(s.name == "binary_precision_recall_curve")
        #expect(s.options["thresholds"] == .list([.double(0.1), .double(0.5)]))
        #expect(s.options["ignore_index"] == OptionValue.none)
        #expect(s.options["average"] == .string("macro"))
        #expect(throws: MetricError.self) { try MetricSpec(parsing: "x:num_classes") }
    }
}

@Suite("Checkpoints")
struct CheckpointTests {
    func tmp() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("vernier-\(UUID().uuidString).safetensors") }

    @Test func roundTripWithListStates() throws {
        let m = try CatMetric()
        try m.update(["value": Tensor([1, 2] as [Float])])
        try m.update(["value": Tensor([3] as [Float])])
        let url = tmp()
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let r = try CatMetric()
        try r.load(from: url)
        #expect(r.updateCount == 2)
        #expect(try r.compute().tensor?.toArray(Float.self) == [1, 2, 3])
    }

    @Test func otherMetricOrOptionsIsRejectedAndLeavesMetricUnchanged() throws {
        let m = try MeanSquaredError()
        try m.update(preds: Tensor([1] as [Float]), target: Tensor([0] as [Float]))
        let url = tmp()
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)

        let other = try MeanAbsoluteError()
        try other.update(preds: Tensor([5] as [Float]), target: Tensor([0] as [Float]))
        #expect(throws: MetricError.self) { try other.load(from: url) }
        #expect(try other.compute().doubleValue == 5)

        let rmse = try MeanSquaredError(squared: false)
        do { try rmse.load(from: url); Issue.record("loaded other options") } catch {
            #expect("\(error)".contains("squared"))
        }
        #expect(rmse.updateCount == 0)
    }

    @Test func truncatedAndCorruptFilesAreRejected() throws {
        let m = try MeanSquaredError(numOutputs: 2)
        try m.update(preds: Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]), target: Tensor([0, 0, 0, 0] as [Float], shape: [2, 2]))
        let url = tmp()
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let good = try Data(contentsOf: url)
        for cut in [0, 4, 8, 20, good.count - 1] {
            try good.prefix(cut).write(to: url)
            let r = try MeanSquaredError(numOutputs: 2)
            #expect(throws: MetricError.self, "truncated to \(cut) bytes") { try r.load(from: url) }
            #expect(r.updateCount == 0)
        }
        var corrupt = good
        corrupt[10] = 0x7B   // '{' inside the JSON header
        try corrupt.write(to: url)
        #expect(throws: MetricError.self) { try MeanSquaredError(numOutputs: 2).load(from: url) }
        try good.write(to: url)
        let r = try MeanSquaredError(numOutputs: 2)
        try r.load(from: url)
        #expect(try r.compute().tensor?.toArray(Float.self) == [5, 10])
    }

    @Test func missingFileIsAClearError() throws {
        do { try MeanSquaredError().load(from: URL(fileURLWithPath: "/nonexistent/x.safetensors")); Issue.record("loaded") } catch {
            #expect("\(error)".contains("/nonexistent/x.safetensors"))
        }
    }
}
