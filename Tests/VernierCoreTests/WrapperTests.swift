import Foundation
import Testing
import Vernier
import VernierTestSupport

/// The entries of a dictionary value as numbers.
func numbers(_ v: MetricValue) -> [String: Double] {
    guard case .dict(let d) = v else { return [:] }
    return Dictionary(uniqueKeysWithValues: d.compactMap { k, v in v.doubleValue.map { (k, $0) } })
}

func close(_ a: Double?, _ b: Double, _ tol: Double = 1e-6) -> Bool { a.map { Swift.abs($0 - b) <= tol } ?? false }

@Suite("Wrappers: classwise")
struct ClasswiseTests {
    // preds [0, 1, 2, 2] vs target [0, 1, 1, 2]: recall per class 1/1, 1/2, 1/1.
    let batch = MetricInputs(preds: labels([0, 1, 2, 2]), target: labels([0, 1, 1, 2]))

    @Test func oneEntryPerClassWithLabelsOrIndices() throws {
        let named = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none), labels: ["cat", "dog", "bird"], prefix: "acc_")
        try named.update(batch)
        #expect(numbers(try named.compute()) == ["acc_cat": 1, "acc_dog": 0.5, "acc_bird": 1])
        let indexed = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none))
        try indexed.update(batch)
        guard case .dict(let d) = try indexed.compute() else { Issue.record("not a dict"); return }
        #expect(Array(d.keys) == ["multiclass_accuracy_0", "multiclass_accuracy_1", "multiclass_accuracy_2"])
        let postfixed = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none), postfix: "_recall")
        try postfixed.update(batch)
        #expect(numbers(try postfixed.compute())["1_recall"] == 0.5)
    }

    @Test func sharesStatScoresWithTheUnwrappedMetricInACollection() throws {
        let collection = try MetricCollection(["macro": try MulticlassAccuracy(numClasses: 3),
                                               "per_class": try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none), labels: ["a", "b", "c"])])
        #expect(collection.computeGroups == [["macro", "per_class"]])
        try collection.update(batch)
        let v = numbers(try collection.compute())
        #expect(close(v["macro"], 2.5 / 3))                        // (1 + 0.5 + 1) / 3
        // Without prefix or postfix the wrapped metric's name prefixes each label.
        #expect(v["multiclass_accuracy_a"] == 1 && v["multiclass_accuracy_b"] == 0.5 && v["multiclass_accuracy_c"] == 1, "\(v)")
    }

    @Test func scalarValuesAndWrongLabelCountsAreErrors() throws {
        let scalar = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3))
        try scalar.update(batch)
        do { _ = try scalar.compute(); Issue.record("split a scalar") } catch { #expect("\(error)".contains("average=None")) }
        let twoLabels = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none), labels: ["a", "b"])
        try twoLabels.update(batch)
        #expect(throws: MetricError.self) { try twoLabels.compute() }
        #expect(throws: MetricError.self) { try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 2, average: .none), labels: ["a", "a"]) }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none)) }
        let problems = try checker.checkAll([batch, MetricInputs(preds: labels([2, 1]), target: labels([2, 0]))],
                                           bad: [MetricInputs(preds: labels([0]), target: labels([7]))])
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Suite("Wrappers: min/max")
struct MinMaxTests {
    func mse(_ p: [Float]) -> MetricInputs { MetricInputs(preds: floats(p), target: floats(p.map { _ in 0 })) }

    @Test func extremesOverComputes() throws {
        let m = MinMaxMetric(try MeanSquaredError())
        try m.update(mse([1]))                                    // squared errors [1] -> 1
        #expect(numbers(try m.compute()) == ["raw": 1, "max": 1, "min": 1])
        try m.update(mse([3]))                                    // [1, 9] -> 5
        #expect(numbers(try m.compute()) == ["raw": 5, "max": 5, "min": 1])
        try m.update(mse([0, 0]))                                 // [1, 9, 0, 0] -> 2.5
        #expect(numbers(try m.compute()) == ["raw": 2.5, "max": 5, "min": 1])
        // forward returns the batch alone (100) and does not record it; the
        // accumulated value becomes (1 + 9 + 0 + 0 + 100) / 5 = 22.
        #expect(numbers(try m.forward(mse([10]))) == ["raw": 100, "max": 100, "min": 100])
        #expect(numbers(try m.compute()) == ["raw": 22, "max": 22, "min": 1])
        m.reset()
        try m.update(mse([2]))
        #expect(numbers(try m.compute()) == ["raw": 4, "max": 4, "min": 4])
    }

    @Test func extremesSurviveCheckpointsAndMerge() throws {
        let m = MinMaxMetric(try MeanSquaredError())
        try m.update(mse([1]))
        _ = try m.compute()                                       // records 1
        try m.update(mse([3]))
        _ = try m.compute()                                       // records 5
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-minmax-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let r = MinMaxMetric(try MeanSquaredError())
        try r.load(from: url)
        #expect(numbers(try r.compute()) == ["raw": 5, "max": 5, "min": 1])
        // Another instance that saw [0.5] (0.25) and recorded it: min of mins, max of maxes.
        let other = MinMaxMetric(try MeanSquaredError())
        try other.update(mse([0.5]))
        _ = try other.compute()
        try r.merge(other)                                        // squared errors [1, 9, 0.25] -> 3.41666
        let v = numbers(try r.compute())
        #expect(close(v["raw"], 10.25 / 3) && v["max"] == 5 && v["min"] == 0.25)
    }

    @Test func recordsInsideACollection() throws {
        let collection = try MetricCollection(["mm": MinMaxMetric(try MeanSquaredError()), "mae": try MeanAbsoluteError()])
        try collection.update(mse([2]))                           // MSE 4, MAE 2
        _ = try collection.compute()
        try collection.update(mse([0]))                           // MSE (4 + 0) / 2 = 2
        let v = numbers(try collection.compute())
        #expect(v == ["raw": 2, "max": 4, "min": 2, "mae": 1])
    }

    @Test func recordsThroughOtherContainers() throws {
        let multitask = try MultitaskWrapper(["t": MinMaxMetric(try MeanSquaredError())])
        let transformed = MetricInputTransformer.lambda(MinMaxMetric(try MeanSquaredError()), transformPreds: { $0 * 2 })
        let tracker = try MetricTracker(MinMaxMetric(try MeanSquaredError()))
        try tracker.increment()
        // Squared errors: first batch [4] (MSE 4), then [4, 0] (MSE 2); the transformer doubles preds 1 -> 2.
        try multitask.update(["t/preds": floats([2]), "t/target": floats([0])])
        try transformed.update(preds: floats([1]), target: floats([0]))
        try tracker.update(mse([2]))
        for m in [multitask, transformed, tracker] as [any Metric] { _ = try m.compute() }
        try multitask.update(["t/preds": floats([0]), "t/target": floats([0])])
        try transformed.update(preds: floats([0]), target: floats([0]))
        try tracker.update(mse([0]))
        guard case .dict(let d) = try multitask.compute(), let t = d["t"] else { Issue.record("no task entry"); return }
        #expect(numbers(t) == ["raw": 2, "max": 4, "min": 2])
        #expect(numbers(try transformed.compute()) == ["raw": 2, "max": 4, "min": 2])
        #expect(numbers(try tracker.compute()) == ["raw": 2, "max": 4, "min": 2])
    }

    @Test func nonScalarValuesAreErrors() throws {
        let m = MinMaxMetric(try MeanSquaredError(numOutputs: 2))
        try m.update(preds: floats([1, 2], [1, 2]), target: floats([0, 0], [1, 2]))
        do { _ = try m.compute(); Issue.record("accepted a vector") } catch { #expect("\(error)".contains("single number")) }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { MinMaxMetric(try MeanSquaredError()) }
        let problems = try checker.checkAll([mse([1, 2]), mse([3]), mse([0.5, 0.5, 4])], bad: [MetricInputs(preds: floats([1]), target: floats([1, 2]))])
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Suite("Wrappers: input transformers")
struct InputTransformerTests {
    @Test func binaryTargetThresholdsTheTarget() throws {
        let m = MetricInputTransformer.binaryTarget(try BinaryAccuracy(), threshold: 0.5)
        // target [0.8, 0.6, 0.3, 0.1] > 0.5 -> [1, 1, 0, 0]; preds > 0.5 -> [1, 0, 1, 0]:
        // positions 0 and 3 agree -> 2 / 4.
        try m.update(preds: floats([0.9, 0.2, 0.7, 0.4]), target: floats([0.8, 0.6, 0.3, 0.1]))
        #expect(try m.compute().doubleValue == 0.5)
        let plain = try BinaryAccuracy()
        #expect(m.computeGroupKey != nil && m.computeGroupKey != plain.computeGroupKey)
    }

    @Test func lambdaTransformsPredsAndTarget() throws {
        let doubled = MetricInputTransformer.lambda(try MeanSquaredError(), transformPreds: { $0 * 2 })
        try doubled.update(preds: floats([1, 2]), target: floats([2, 5]))     // preds [2, 4] vs [2, 5] -> (0 + 1) / 2
        #expect(try doubled.compute().doubleValue == 0.5)
        let shifted = MetricInputTransformer.lambda(try MeanAbsoluteError(), transformTarget: { $0 + 1 })
        try shifted.update(preds: floats([1, 2]), target: floats([2, 5]))     // |1 - 3| + |2 - 6| -> 3
        #expect(try shifted.compute().doubleValue == 3)
        #expect(doubled.computeGroupKey == nil)
    }

    @Test func aFailingTransformNamesTheArgumentAndChangesNothing() throws {
        struct Refused: Error {}
        let m = MetricInputTransformer.lambda(try MeanSquaredError(), transformTarget: { t in
            if t.toDoubles().contains(where: { $0 < 0 }) { throw Refused() }
            return t
        })
        try m.update(preds: floats([1]), target: floats([0]))
        do { try m.update(preds: floats([1]), target: floats([-1])); Issue.record("accepted") } catch {
            #expect("\(error)".contains("lambda_input_transformer") && "\(error)".contains("target"))
        }
        #expect(m.updateCount == 1)
        #expect(try m.compute().doubleValue == 1)
    }

    @Test func wrapsACollection() throws {
        let m = MetricInputTransformer.binaryTarget(try MetricCollection([try BinaryAccuracy(), try MeanSquaredError()]), threshold: 0)
        // target [2, -1] > 0 -> [1, 0]; preds [1, 1]: accuracy 1/2; MSE (0 + 1) / 2.
        try m.update(preds: floats([1, 1]), target: floats([2, -1]))
        #expect(numbers(try m.compute()) == ["binary_accuracy": 0.5, "mean_squared_error": 0.5])
    }
}

@Suite("Wrappers: multioutput")
struct MultioutputTests {
    @Test func oneCopyPerOutputWithNaNRowsRemovedPerOutput() throws {
        let m = try MultioutputWrapper(try MeanAbsoluteError(), numOutputs: 2)
        // Output 0: |1|, |3|, |5| -> 3. Output 1: row 1 is NaN and is left out: |2|, |6| -> 4.
        try m.update(preds: floats([1, 2, 3, .nan, 5, 6], [3, 2]), target: floats([0, 0, 0, 0, 0, 0], [3, 2]))
        #expect(try m.compute().tensor?.toDoubles() == [3, 4])
        #expect(m.state.specs.map(\.name) == ["o0/sum_abs_error", "o0/total", "o1/sum_abs_error", "o1/total"])
    }

    @Test func outputAxisCanBeChosen() throws {
        // Outputs along axis 1 of (N, 2, 2): output 0 is [[1, 2], [5, 6]], output 1 [[3, 4], [7, 8]].
        let m = try MultioutputWrapper(try MeanSquaredError(), numOutputs: 2, outputDim: 1, removeNans: false)
        try m.update(preds: floats([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), target: floats([0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2]))
        // (1 + 4 + 25 + 36) / 4 = 16.5; (9 + 16 + 49 + 64) / 4 = 34.5.
        #expect(try m.compute().tensor?.toDoubles() == [16.5, 34.5])
    }

    @Test func wrongOutputCountIsAnError() throws {
        let m = try MultioutputWrapper(try MeanAbsoluteError(), numOutputs: 2)
        do { try m.update(preds: floats([1, 2, 3], [1, 3]), target: floats([0, 0, 0], [1, 3])); Issue.record("accepted") } catch {
            #expect("\(error)".contains("multioutput_wrapper") && "\(error)".contains("2 outputs"))
        }
        #expect(throws: MetricError.self) { try MultioutputWrapper(try MeanAbsoluteError(), numOutputs: 0) }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { try MultioutputWrapper(try MeanSquaredError(), numOutputs: 3) }
        let batches = (0..<3).map { i in
            MetricInputs(preds: floats((0..<6).map { Float($0 * (i + 1)) }, [2, 3]), target: floats([1, 0, 1, 0, 1, 0], [2, 3]))
        }
        let problems = try checker.checkAll(batches, bad: [MetricInputs(preds: floats([1, 2], [1, 2]), target: floats([1, 2], [1, 2]))])
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Suite("Wrappers: multitask")
struct MultitaskTests {
    let inputs: MetricInputs = [
        "cls/preds": floats([1, 0, 1]), "cls/target": floats([1, 1, 1]),      // accuracy 2/3
        "reg/preds": floats([1, 2]), "reg/target": floats([0, 0]),            // MSE (1 + 4) / 2 = 2.5
    ]

    @Test func eachTaskGetsItsOwnInputs() throws {
        let m = try MultitaskWrapper(["cls": try BinaryAccuracy(), "reg": try MeanSquaredError()], prefix: "train_")
        #expect(m.inputNames == ["cls/preds", "cls/target", "reg/preds", "reg/target"])
        try m.update(inputs)
        let v = numbers(try m.compute())
        #expect(close(v["train_cls"], 2.0 / 3) && v["train_reg"] == 2.5)
    }

    @Test func aMissingTaskInputChangesNoTask() throws {
        let m = try MultitaskWrapper(["cls": try BinaryAccuracy(), "reg": try MeanSquaredError()])
        var partial = inputs
        partial["reg/target"] = nil
        do { try m.update(partial); Issue.record("accepted") } catch { #expect("\(error)".contains("target")) }
        #expect(m.updateCount == 0)
        #expect(zip(m.state.values, m.freshState().values).allSatisfy { $0.isIdentical(to: $1) })
    }

    @Test func aCollectionTaskStaysNested() throws {
        let m = try MultitaskWrapper(["reg": try MetricCollection([try MeanSquaredError(), try MeanAbsoluteError()])])
        try m.update(["reg/preds": floats([1, 3]), "reg/target": floats([0, 0])])
        guard case .dict(let d) = try m.compute(), let reg = d["reg"] else { Issue.record("no reg entry"); return }
        #expect(numbers(reg) == ["mean_squared_error": 5, "mean_absolute_error": 2])
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { try MultitaskWrapper(["cls": try BinaryAccuracy(), "reg": try MeanSquaredError()]) }
        let second: MetricInputs = ["cls/preds": floats([0.2]), "cls/target": floats([0]), "reg/preds": floats([3]), "reg/target": floats([1])]
        let bad: MetricInputs = ["cls/preds": floats([0.2]), "cls/target": floats([2]), "reg/preds": floats([3]), "reg/target": floats([1])]
        let problems = try checker.checkAll([inputs, second], bad: [bad])
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Suite("Wrappers: running")
struct RunningTests {
    @Test func windowOfTheLastUpdates() throws {
        // TorchMetrics' example: Running(SumMetric(), window=3) over values 0...5.
        let m = try RunningMetric(try SumMetric(), window: 3)
        var batchValues: [Double] = [], running: [Double] = []
        for i in 0..<6 {
            batchValues.append(try m.forward(["value": floats([Float(i)])]).doubleValue!)
            running.append(try m.compute().doubleValue!)
        }
        #expect(batchValues == [0, 1, 2, 3, 4, 5])
        #expect(running == [0, 1, 3, 6, 9, 12])                  // 0, 0+1, 0+1+2, 1+2+3, 2+3+4, 3+4+5
    }

    @Test func meanOverTheWindow() throws {
        let m = try RunningMetric(try MeanMetric(), window: 2)
        try m.update(["value": floats([1, 2])])
        try m.update(["value": floats([6])])
        #expect(try m.compute().doubleValue == 3)                  // (1 + 2 + 6) / 3
        try m.update(["value": floats([10, 20])])
        #expect(try m.compute().doubleValue == 12)                 // (6 + 10 + 20) / 3: [1, 2] left the window
    }

    @Test func listStatesComeOutOldestFirst() throws {
        let m = try RunningMetric(try CatMetric(), window: 2)
        for x: Float in [1, 2, 3] { try m.update(["value": floats([x])]) }
        // Slot 0 now holds 3 (it replaced 1), slot 1 holds 2: the window in update order is [2, 3].
        #expect(try m.compute().tensor?.toDoubles() == [2, 3])
    }

    @Test func fullStateMetricsAndEmptyWindowsAreRejected() throws {
        #expect(throws: MetricError.self) { try RunningMetric(try BootStrapper(try MeanSquaredError())) }
        #expect(throws: MetricError.self) { try RunningMetric(try SumMetric(), window: 0) }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { try RunningMetric(try MeanSquaredError(), window: 2) }
        let batches = [MetricInputs(preds: floats([1]), target: floats([0])), MetricInputs(preds: floats([2, 2]), target: floats([0, 0])),
                       MetricInputs(preds: floats([3]), target: floats([1]))]
        let problems = try checker.checkAll(batches, bad: [MetricInputs(preds: floats([1]), target: floats([]))])
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Suite("Wrappers: bootstrapper")
struct BootStrapperTests {
    /// The documented resampling, replayed: batch `step` draws from
    /// `SplitMix64(seed: seed ^ SplitMix64(seed: step).next())`; a multinomial
    /// draw maps `next()` onto `0..<n` by the high word of `next() * n`.
    func multinomialDraws(seed: UInt64, step: UInt64, copies: Int, rows n: Int) -> [[Int]] {
        var mixer = SplitMix64(seed: step)
        var rng = SplitMix64(seed: seed ^ mixer.next())
        return (0..<copies).map { _ in (0..<n).map { _ in Int(rng.next().multipliedFullWidth(by: UInt64(n)).high) } }
    }

    @Test func statisticsOfReproducibleResamples() throws {
        let values: [Float] = [1, 10, 100]
        let m = try BootStrapper(try SumMetric(), numBootstraps: 4, quantiles: [0.5, 0.9], raw: true, sampling: .multinomial, seed: 42)
        try m.update(["value": floats(values)])
        let sums = multinomialDraws(seed: 42, step: 0, copies: 4, rows: 3).map { $0.reduce(0.0) { $0 + Double(values[$1]) } }
        // Mean, unbiased std and linearly interpolated quantiles of the four sums.
        let mean = sums.reduce(0, +) / 4
        let std = (sums.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 3).squareRoot()
        let sorted = sums.sorted()
        let median = (sorted[1] + sorted[2]) / 2                       // position 0.5 * 3 = 1.5
        let q90 = sorted[2] + (sorted[3] - sorted[2]) * 0.7            // position 0.9 * 3 = 2.7
        guard case .dict(let d) = try m.compute() else { Issue.record("not a dict"); return }
        #expect(Array(d.keys) == ["mean", "std", "quantile", "raw"])
        #expect(d["raw"]?.tensor?.toDoubles() == sums)
        #expect(close(d["mean"]?.doubleValue, mean, 1e-3) && close(d["std"]?.doubleValue, std, 1e-3))
        let q = d["quantile"]!.tensor!
        #expect(q.shape == [2] && close(q.element(at: 0), median, 1e-3) && close(q.element(at: 1), q90, 1e-3))
        // The same seed reproduces the sums; another seed gives other resamples.
        let again = try BootStrapper(try SumMetric(), numBootstraps: 4, raw: true, sampling: .multinomial, seed: 42)
        try again.update(["value": floats(values)])
        guard case .dict(let a) = try again.compute() else { return }
        #expect(a["raw"]?.tensor?.toDoubles() == sums)
    }

    @Test func identicalRowsGiveZeroSpread() throws {
        // Every resample of four rows with squared error 4 has MSE 4 (multinomial never resamples nothing).
        let m = try BootStrapper(try MeanSquaredError(), numBootstraps: 5, quantiles: [0.1], sampling: .multinomial)
        try m.update(preds: floats([2, 2, 2, 2]), target: floats([0, 0, 0, 0]))
        #expect(numbers(try m.compute()) == ["mean": 4, "std": 0, "quantile": 4])
    }

    @Test func poissonResamplingMatchesTheSampleStatistics() throws {
        // 400 values 0...399 (mean 199.5, sd 115.6): the bootstrap mean of
        // the mean is near 199.5 and its std near 115.6 / sqrt(400) = 5.78.
        // With 200 copies the std estimate's relative error is about 5%; the
        // seed is fixed, so this check is deterministic.
        let m = try BootStrapper(try MeanMetric(), numBootstraps: 200, seed: 3)
        try m.update(["value": floats((0..<400).map(Float.init))])
        let v = numbers(try m.compute())
        #expect(close(v["mean"], 199.5, 2))
        #expect(close(v["std"], 115.6 / 20, 0.8))
    }

    @Test func rejectedBatchesConsumeNoRandomness() throws {
        let clean = try BootStrapper(try SumMetric(nanStrategy: .error), numBootstraps: 3, raw: true, seed: 9)
        let withReject = try BootStrapper(try SumMetric(nanStrategy: .error), numBootstraps: 3, raw: true, seed: 9)
        #expect(throws: MetricError.self) { try withReject.update(["value": floats([1, .nan, 3, 4, 5, 6, 7, 8])]) }
        let good = MetricInputs(["value": .tensor(floats([1, 2, 3, 4, 5, 6, 7, 8]))])
        try clean.update(good)
        try withReject.update(good)
        #expect(clean.state.values.elementsEqual(withReject.state.values) { $0.isIdentical(to: $1) })
    }

    @Test func checkpointsContinueTheSameStreamsAndMergeIsPerCopy() throws {
        let make = { try BootStrapper(try SumMetric(), numBootstraps: 3, raw: true, seed: 5) }
        let first = MetricInputs(["value": .tensor(floats([1, 2, 3, 4]))]), second = MetricInputs(["value": .tensor(floats([10, 20]))])
        let m = try make()
        try m.update(first)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-boot-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let r = try make()
        try r.load(from: url)
        try m.update(second)
        try r.update(second)
        #expect(m.state.values.elementsEqual(r.state.values) { $0.isIdentical(to: $1) })
        // Merging sums copy b with copy b.
        let a = try make(), b = try make()
        try a.update(first)
        try b.update(second)
        let rawA = try a.compute(), rawB = try b.compute()
        try a.merge(b)
        guard case .dict(let ra) = rawA, case .dict(let rb) = rawB, case .dict(let merged) = try a.compute() else { return }
        let expected = zip(ra["raw"]!.tensor!.toDoubles(), rb["raw"]!.tensor!.toDoubles()).map { $0 + $1 }
        #expect(merged["raw"]?.tensor?.toDoubles() == expected)
        // Ranks with their own seeds still merge; other options do not.
        let otherSeed = try BootStrapper(try SumMetric(), numBootstraps: 3, raw: true, seed: 6)
        try otherSeed.update(second)
        try a.merge(otherSeed)
        let moreCopies = try BootStrapper(try SumMetric(), numBootstraps: 4, raw: true, seed: 5)
        try moreCopies.update(second)
        #expect(throws: MetricError.self) { try a.merge(moreCopies) }
    }

    @Test func badConfigurationsAndRaggedBatchesAreErrors() throws {
        #expect(throws: MetricError.self) { try BootStrapper(try SumMetric(), numBootstraps: 1) }
        #expect(throws: MetricError.self) { try BootStrapper(try SumMetric(), quantiles: [1.5]) }
        let m = try BootStrapper(try MeanSquaredError())
        do { try m.update(preds: floats([1, 2, 3]), target: floats([1, 2])); Issue.record("accepted") } catch {
            #expect("\(error)".contains("bootstrapper") && "\(error)".contains("rows"))
        }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { try BootStrapper(try MeanAbsoluteError(), numBootstraps: 4, seed: 1) }
        let batches = (0..<3).map { i in MetricInputs(preds: floats((0..<20).map { Float($0 * (i + 1)) }), target: floats(Array(repeating: 3, count: 20))) }
        let problems = try checker.checkAll(batches, bad: [MetricInputs(preds: floats([1, 2]), target: floats([1]))])
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Suite("Wrappers: tracker")
struct TrackerTests {
    @Test func bestValueAndItsStep() throws {
        let tracker = try MetricTracker(try MeanSquaredError())          // lower is better
        #expect(tracker.maximize == false)
        for p: Float in [2, 1, 1.5] {                                     // MSE 4, 1, 2.25
            try tracker.increment()
            try tracker.update(preds: floats([p]), target: floats([0]))
        }
        #expect(tracker.stepCount == 3)
        #expect(try tracker.computeAll().map { $0.doubleValue! } == [4, 1, 2.25])
        #expect(try tracker.best() == TrackedBest(value: 1, step: 1))
        let maximizing = try MetricTracker(try MeanSquaredError(), maximize: true)
        for p: Float in [2, 1] { try maximizing.increment(); try maximizing.update(preds: floats([p]), target: floats([0])) }
        #expect(try maximizing.best() == TrackedBest(value: 4, step: 0))
    }

    @Test func perKeyDirectionsForACollection() throws {
        let tracker = try MetricTracker(try MetricCollection([try BinaryAccuracy(), try MeanSquaredError()]))
        // target [1, 1]. Step 0: preds [0.6, 0.6] -> accuracy 1, MSE (0.16 + 0.16) / 2 = 0.16.
        // Step 1: preds [1, 0.45] -> accuracy 1/2, MSE (0 + 0.3025) / 2 = 0.15125.
        // Step 2: preds [0, 0] -> accuracy 0, MSE 1.
        for p: [Float] in [[0.6, 0.6], [1, 0.45], [0, 0]] {
            try tracker.increment()
            try tracker.update(preds: floats(p), target: floats([1, 1]))
        }
        let best = try tracker.bestPerKey()
        #expect(best["binary_accuracy"] == TrackedBest(value: 1, step: 0))
        #expect(best["mean_squared_error"]?.step == 1 && close(best["mean_squared_error"]?.value, 0.15125))
        #expect(throws: MetricError.self) { try tracker.best() }
    }

    @Test func misuseIsAClearError() throws {
        let tracker = try MetricTracker(try MeanSquaredError())
        do { try tracker.update(preds: floats([1]), target: floats([0])); Issue.record("accepted") } catch {
            #expect("\(error)".contains("increment()"))
        }
        try tracker.increment()
        #expect(throws: MetricError.self) { try tracker.increment() }   // the step had no update
        #expect(tracker.stepCount == 1)
        #expect(throws: MetricError.self) { try MetricTracker(try CatMetric()) }   // no direction known
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker {
            let t = try MetricTracker(try MeanSquaredError())
            try t.increment()
            return t
        }
        let batches = [MetricInputs(preds: floats([1]), target: floats([0])), MetricInputs(preds: floats([2, 3]), target: floats([0, 1]))]
        let problems = try checker.checkAll(batches, bad: [MetricInputs(preds: floats([1]), target: floats([]))])
        #expect(problems.isEmpty, "\(problems)")
    }
}

/// The examples of Docs/Collections.md, verbatim, with their values checked.
@Suite("Docs/Collections.md: wrappers")
struct WrapperDocExamples {
    @Test func classwise() throws {
        let preds = Tensor([0, 1, 2, 2] as [Int64]), target = Tensor([0, 1, 1, 2] as [Int64])
        let perClass = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none),
                                            labels: ["cat", "dog", "bird"], prefix: "acc_")
        try perClass.update(preds: preds, target: target)
        let v = try perClass.compute()           // acc_cat 1, acc_dog 0.5, acc_bird 1

        #expect(numbers(v) == ["acc_cat": 1, "acc_dog": 0.5, "acc_bird": 1])
    }

    @Test func bootstrap() throws {
        let boot = try BootStrapper(try MeanSquaredError(), numBootstraps: 20, quantiles: [0.05, 0.95],
                                    sampling: .poisson, seed: 7)
        try boot.update(preds: Tensor((0..<100).map { Float($0 % 7) }), target: Tensor([Float](repeating: 3, count: 100)))
        let v = try boot.compute()               // mean, std, quantile [2]: a 90% interval

        guard case .dict(let d) = v else { Issue.record("not a dict"); return }
        #expect(Array(d.keys) == ["mean", "std", "quantile"])
        // Squared differences of 0...6 from 3 average (9 + 4 + 1 + 0 + 1 + 4 + 9) / 7 = 4 over
        // whole cycles; the resampled means spread around it, inside the interval.
        let q = d["quantile"]!.tensor!.toDoubles(), mean = d["mean"]!.doubleValue!
        #expect(q[0] < mean && mean < q[1] && Swift.abs(mean - 4) < 0.6)
    }

    @Test func tracker() throws {
        let tracker = try MetricTracker(try MeanSquaredError())   // maximize: false, from higherIsBetter
        for epochPreds: [Float] in [[2, 2], [1, 0], [1, 1]] {
            try tracker.increment()
            try tracker.update(preds: Tensor(epochPreds), target: Tensor([0, 0] as [Float]))
        }
        let best = try tracker.best()            // value 0.5 (epoch 1), step 1

        #expect(best == TrackedBest(value: 0.5, step: 1))
        #expect(try tracker.computeAll().map { $0.doubleValue! } == [4, 0.5, 1])
    }

    @Test func minMax() throws {
        let mse = MinMaxMetric(try MeanSquaredError())
        try mse.update(preds: Tensor([1] as [Float]), target: Tensor([0] as [Float]))
        _ = try mse.compute()                    // raw 1, max 1, min 1
        try mse.update(preds: Tensor([3] as [Float]), target: Tensor([0] as [Float]))
        let v = try mse.compute()                // raw 5, max 5, min 1

        #expect(numbers(v) == ["raw": 5, "max": 5, "min": 1])
    }

    @Test func multioutput() throws {
        let perOutput = try MultioutputWrapper(try MeanAbsoluteError(), numOutputs: 2)
        try perOutput.update(preds: Tensor([1, 2, 3, .nan] as [Float], shape: [2, 2]),
                             target: Tensor([0, 0, 0, 0] as [Float], shape: [2, 2]))
        let v = try perOutput.compute()          // [2, 2]: output 1 leaves out the NaN row

        #expect(v.tensor?.toDoubles() == [2, 2])
    }

    @Test func multitask() throws {
        let tasks = try MultitaskWrapper(["label": try BinaryAccuracy(), "depth": try MeanSquaredError()])
        try tasks.update(["label/preds": Tensor([0.9, 0.2] as [Float]), "label/target": Tensor([1, 1] as [Float]),
                          "depth/preds": Tensor([1.5] as [Float]), "depth/target": Tensor([1] as [Float])])
        let v = try tasks.compute()              // label 0.5, depth 0.25

        #expect(numbers(v) == ["label": 0.5, "depth": 0.25])
    }

    @Test func running() throws {
        let recent = try RunningMetric(try SumMetric(), window: 2)
        for x: Float in [1, 2, 3] { try recent.update(["value": Tensor([x])]) }
        let v = try recent.compute()             // 2 + 3 = 5

        #expect(v.doubleValue == 5)
    }

    @Test func inputTransformers() throws {
        let binarized = MetricInputTransformer.binaryTarget(try BinaryAccuracy(), threshold: 0.5)
        let doubled = MetricInputTransformer.lambda(try MeanSquaredError(), transformPreds: { $0 * 2 })
        try binarized.update(preds: Tensor([0.9, 0.2] as [Float]), target: Tensor([0.7, 0.6] as [Float]))
        try doubled.update(preds: Tensor([1, 2] as [Float]), target: Tensor([2, 5] as [Float]))
        // binarized: target [1, 1], preds [1, 0] -> 0.5; doubled: preds [2, 4] -> (0 + 1) / 2 = 0.5

        #expect(try binarized.compute().doubleValue == 0.5)
        #expect(try doubled.compute().doubleValue == 0.5)
    }
}
