import Foundation
import Testing
import Vernier
import VernierTestSupport

@Suite("Metric composition")
struct CompositionTests {
    // preds [1, 3] vs target [0, 0]: MSE = (1 + 9) / 2 = 5, MAE = (1 + 3) / 2 = 2.
    let batch = MetricInputs(preds: floats([1, 3]), target: floats([0, 0]))

    func value(_ m: any Metric, _ inputs: MetricInputs? = nil) throws -> MetricValue {
        try m.update(inputs ?? batch)
        return try m.compute()
    }

    @Test func arithmeticBetweenMetrics() throws {
        let sum = try MeanSquaredError() + MeanAbsoluteError()
        #expect(sum.name == "add(mean_squared_error, mean_absolute_error)")
        #expect(try value(sum).doubleValue == 7)                                      // 5 + 2
        #expect(try value(try MeanSquaredError() - MeanAbsoluteError()).doubleValue == 3)   // 5 - 2
        #expect(try value(try MeanSquaredError() * MeanAbsoluteError()).doubleValue == 10)  // 5 * 2
        #expect(try value(try MeanSquaredError() / MeanAbsoluteError()).doubleValue == 2.5) // 5 / 2
        #expect(try value(try MeanAbsoluteError() ** MeanAbsoluteError()).doubleValue == 4) // 2 ** 2
    }

    @Test func arithmeticWithNumbersKeepsTheMetricDtype() throws {
        let scaled = try MeanSquaredError() * 100
        let v = try value(scaled).tensor!
        #expect(v.dtype == .float32 && v.item() == 500)
        #expect(try value(1 - (try MeanAbsoluteError())).doubleValue == -1)          // 1 - 2
        #expect(try value(try MeanSquaredError() / 2).doubleValue == 2.5)
        #expect(try value(10 / (try MeanSquaredError())).doubleValue == 2)           // 10 / 5
        #expect(try value(try MeanSquaredError() ** 2).doubleValue == 25)
        #expect(try value(2 ** (try MeanAbsoluteError())).doubleValue == 4)
        #expect(try value(3 + (try MeanAbsoluteError())).doubleValue == 5)
    }

    @Test func unaryAbsAndNegation() throws {
        #expect(try value(abs(try MeanAbsoluteError() - MeanSquaredError())).doubleValue == 3)   // |2 - 5|
        #expect(try value(-(try MeanSquaredError())).doubleValue == -5)
        let nested = (try MeanSquaredError() + MeanAbsoluteError()) / 2
        #expect(try value(nested).doubleValue == 3.5)                                          // (5 + 2) / 2
    }

    @Test func comparisonsGiveElementwiseBoolTensors() throws {
        let gt = try MeanSquaredError() .> MeanAbsoluteError()
        let t = try value(gt).tensor!
        #expect(t.dtype == .bool && t.item() == 1)                                 // 5 > 2
        #expect(try value(try MeanSquaredError() .== 5).doubleValue == 1)
        #expect(try value(try MeanSquaredError() .!= 5).doubleValue == 0)
        #expect(try value(try MeanSquaredError() .<= MeanAbsoluteError()).doubleValue == 0)
        #expect(try value(try MeanAbsoluteError() .>= 2).doubleValue == 1)
        // Two outputs: preds [[1, 0], [3, 2]] vs zeros -> MSE per column [5, 2], MAE [2, 1].
        let twoOutputs = MetricInputs(preds: floats([1, 0, 3, 2], [2, 2]), target: floats([0, 0, 0, 0], [2, 2]))
        let lt = try MeanAbsoluteError(numOutputs: 2) .< MeanSquaredError(numOutputs: 2)
        #expect(try value(lt, twoOutputs).tensor?.toArray(Bool.self) == [true, true])
        let eq = try CompositionalMetric(.compare(.eq), .metric(try MeanSquaredError(numOutputs: 2)), .tensor(Tensor([5, 3] as [Float])))
        #expect(try value(eq, twoOutputs).tensor?.toArray(Bool.self) == [true, false])
        let either = CompositionalMetric(.logical(.or), try MeanSquaredError() .> 6, try MeanAbsoluteError() .< 3)
        #expect(try value(either).doubleValue == 1)                                // false || true
    }

    @Test func eachOperandGetsItsOwnInputs() throws {
        let m = try SumMetric() + MeanSquaredError()
        #expect(m.inputNames == ["value", "preds", "target"])
        try m.update(["value": floats([1, 2]), "preds": floats([2]), "target": floats([0])])
        #expect(try m.compute().doubleValue == 7)                                  // (1 + 2) + 4
    }

    @Test func operandsDeclaringOneStateShareIt() throws {
        // macro and micro accuracy of one task read the same stat scores: one tp/fp/tn/fn set.
        let gap = try MulticlassAccuracy(numClasses: 3) - MulticlassAccuracy(numClasses: 3, average: .micro)
        #expect(gap.state.specs.map(\.name) == ["g0/tp", "g0/fp", "g0/tn", "g0/fn"])
        try gap.update(preds: labels([0, 1, 2, 2]), target: labels([0, 1, 1, 2]))
        // recall per class [1, 1/2, 1] -> macro 5/6; micro 3/4; gap 1/12.
        #expect(abs(try gap.compute().doubleValue! - 1.0 / 12) < 1e-6)
    }

    @Test func worksInsideACollection() throws {
        let collection = try MetricCollection(["ratio": try MeanSquaredError() / MeanAbsoluteError(), "mse": try MeanSquaredError()])
        try collection.update(batch)
        let v = try collection.compute()
        #expect(scalar(v, "ratio") == 2.5 && scalar(v, "mse") == 5)
    }

    @Test func nonTensorOperandsAndBadShapesAreClearErrors() throws {
        let dictValued = try MetricCollection([try MeanSquaredError()]) + 1
        try dictValued.update(batch)
        do { _ = try dictValued.compute(); Issue.record("composed a dictionary") } catch {
            #expect("\(error)".contains("metric_collection") && "\(error)".contains("tensor"))
        }
        // Values of shapes [2] (two outputs) and [3] (three values caught) do not broadcast.
        // Two constants are not a metric.
        do { _ = try CompositionalMetric(.binary(.add), .number(1), .tensor(Tensor([2] as [Float]))); Issue.record("composed two constants") } catch {
            #expect("\(error)".contains("metric operand"))
        }
        let mismatched = try MeanSquaredError(numOutputs: 2) + CatMetric()
        try mismatched.update(["preds": floats([1, 2, 3, 4], [2, 2]), "target": floats([0, 0, 0, 0], [2, 2]), "value": floats([1, 2, 3])])
        do { _ = try mismatched.compute(); Issue.record("broadcast [2] with [3]") } catch {
            #expect("\(error)".contains("add(mean_squared_error, cat)"))
        }
    }

    @Test func passesTheMetricChecker() throws {
        let checker = MetricChecker { abs(try MeanSquaredError() - MeanAbsoluteError()) * 2 }
        let batches = [batch, MetricInputs(preds: floats([0.5]), target: floats([2])), MetricInputs(preds: floats([4, 4, 1]), target: floats([1, 2, 3]))]
        let bad = [MetricInputs(preds: floats([1, 2]), target: floats([1]))]
        let problems = try checker.checkAll(batches, bad: bad)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func mergeNeedsTheSameComposition() throws {
        let a = try MeanSquaredError() + MeanAbsoluteError(), b = try MeanSquaredError() + MeanAbsoluteError()
        try a.update(batch)
        try b.update(MetricInputs(preds: floats([2]), target: floats([0])))
        try a.merge(b)
        // Squared errors [1, 9, 4] -> 14/3; absolute [1, 3, 2] -> 2.
        #expect(abs(try a.compute().doubleValue! - (14.0 / 3 + 2)) < 1e-6)
        let c = try MeanSquaredError() - MeanAbsoluteError()
        try c.update(batch)
        #expect(throws: MetricError.self) { try a.merge(c) }
    }
}

/// The examples of Docs/Collections.md, verbatim, with their values checked.
@Suite("Docs/Collections.md: composition")
struct CompositionDocExamples {
    @Test func operators() throws {
        let gap = abs(try MeanSquaredError() - MeanAbsoluteError())
        let scaled = try MeanSquaredError() * 100
        let maeIsLower = try MeanAbsoluteError() .< MeanSquaredError()
        let atLeastOne = try CompositionalMetric(.binary(.maximum), .metric(try MeanSquaredError()), .number(1))
        for m in [gap, scaled, maeIsLower, atLeastOne] {
            try m.update(preds: Tensor([1, 3] as [Float]), target: Tensor([0, 0] as [Float]))
        }
        // MSE 5, MAE 2: gap 3, scaled 500, maeIsLower true, atLeastOne 5

        #expect(try gap.compute().doubleValue == 3)
        #expect(try scaled.compute().doubleValue == 500)
        #expect(try maeIsLower.compute().tensor?.toArray(Bool.self) == [true])
        #expect(try atLeastOne.compute().doubleValue == 5)
    }
}
