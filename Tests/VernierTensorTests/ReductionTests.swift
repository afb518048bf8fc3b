import Testing
@testable import VernierTensor

@Suite struct ReductionTests {
    let matrix = Tensor([Float(1), 2, 3, 4, 5, 6], shape: [2, 3])
    /// x[i][j][k] = 6i + 2j + k.
    let cube = Tensor((0..<12).map(Double.init), shape: [2, 3, 2])

    @Test func alongAxes() throws {
        #expect(try matrix.sum(axis: 0).toArray(Float.self) == [5, 7, 9])
        #expect(try matrix.sum(axis: -1).toArray(Float.self) == [6, 15])
        let kept = try matrix.sum(axis: 1, keepDim: true)
        #expect(kept.shape == [2, 1] && kept.toArray(Float.self) == [6, 15])
        #expect(try matrix.mean(axis: 0).toArray(Float.self) == [2.5, 3.5, 4.5])
        #expect(try matrix.reduce(.prod, axis: 1).toArray(Float.self) == [6, 120])
        #expect(try matrix.reduce(.min, axis: 0).toArray(Float.self) == [1, 2, 3])
        #expect(try matrix.reduce(.max, axis: -1).toArray(Float.self) == [3, 6])
        #expect(matrix.sum().shape == [] && matrix.sum().item() == 21)
        #expect(try matrix.reduce(.sum, keepDim: true).shape == [1, 1])
    }

    @Test func middleAxisOfThreeDimensions() throws {
        let sum = try cube.sum(axis: 1)
        #expect(sum.shape == [2, 2] && sum.toArray(Double.self) == [6, 9, 24, 27])
        #expect(try cube.reduce(.max, axis: 1).toArray(Double.self) == [4, 5, 10, 11])
        #expect(try cube.reduce(.min, axis: 0).toArray(Double.self) == [0, 1, 2, 3, 4, 5])
        #expect(try cube.mean(axis: -2).toArray(Double.self) == [2, 3, 8, 9])
        #expect(try cube.reduce(.prod, axis: 2).toArray(Double.self) == [0, 6, 20, 42, 72, 110])
    }

    @Test func nanPropagates() throws {
        let x = Tensor([Float(1), .nan, 3, 0], shape: [2, 2])
        #expect(try x.reduce(.max).item().isNaN)
        let mins = try x.reduce(.min, axis: 0).toArray(Float.self)
        #expect(mins[0] == 1 && mins[1].isNaN)
        #expect(x.sum().item().isNaN)
    }

    @Test func emptyInputs() throws {
        let empty = Tensor.zeros([0])
        #expect(empty.sum().item() == 0)
        #expect(empty.mean().item().isNaN)
        #expect(try empty.reduce(.prod).item() == 1)
        expectTensorError(containing: "max: cannot reduce an empty tensor") { try empty.reduce(.max) }
        let rows = Tensor.zeros([0, 3])
        #expect(try rows.sum(axis: 0).toArray(Float.self) == [0, 0, 0])
        #expect(try rows.reduce(.max, axis: 1).shape == [0])
        expectTensorError(containing: "min: cannot reduce") { try rows.reduce(.min, axis: 0) }
    }

    @Test func dtypes() throws {
        let ints = Tensor([Int32(7), -2, 5])
        #expect(ints.sum().dtype == .int64 && ints.sum().int64Element(at: 0) == 10)
        #expect(try ints.reduce(.max).dtype == .int32)
        #expect(try ints.reduce(.min).int64Element(at: 0) == -2)
        #expect(ints.mean().dtype == .float32)
        #expect(close([ints.mean().item()], [10.0 / 3.0]))
        let bools = Tensor([true, false, true])
        #expect(bools.sum().dtype == .int64 && bools.sum().int64Element(at: 0) == 2)
        #expect(try bools.reduce(.max).dtype == .bool)
        #expect(try bools.reduce(.min).toArray(Bool.self) == [false])
        let bytes = Tensor([UInt8(200), 100])
        #expect(bytes.sum().int64Element(at: 0) == 300)
        #expect(Tensor([Int64.max, 1]).sum().int64Element(at: 0) == Int64.min)
    }

    @Test func argmaxFirstOccurrenceAndNaN() throws {
        #expect(try Tensor([Float(1), 3, 3, 2]).argmax().int64Element(at: 0) == 1)
        #expect(try Tensor([Float(1), .nan, 5, .nan]).argmax().int64Element(at: 0) == 1)
        #expect(try Tensor([Float(1), .nan, 5, .nan]).argmin().int64Element(at: 0) == 1)
        #expect(try Tensor([.nan, -1.0]).argmin().int64Element(at: 0) == 0)
        #expect(try Tensor([Int32(4), -9, -9]).argmin().int64Element(at: 0) == 1)
        #expect(try Tensor([false, true, true]).argmax().int64Element(at: 0) == 1)
        let m = Tensor([Float(1), 5, 3, 5], shape: [2, 2])
        #expect(try m.argmax(axis: 0).toArray(Int64.self) == [1, 0])
        #expect(try m.argmax(axis: -1, keepDim: true).shape == [2, 1])
        #expect(try cube.argmax(axis: 1).toArray(Int64.self) == [2, 2, 2, 2])
        // Flattened index over the whole tensor.
        #expect(try m.argmin().toArray(Int64.self) == [0])
        expectTensorError(containing: "argmax: cannot reduce an empty axis") { try Tensor.zeros([0]).argmax() }
        expectTensorError(containing: "axis 2 is out of range") { try m.argmax(axis: 2) }
    }

    @Test func anyAllCountNonzero() throws {
        #expect(!Tensor([0.0, -0.0]).any())
        #expect(Tensor([0.0, .nan]).any())
        #expect(Tensor([0.0, .nan]).countNonzero() == 1)
        #expect(Tensor([1.0, .nan]).all())
        #expect(!Tensor([Int64(3), 0]).all())
        #expect(!Tensor.zeros([0]).any() && Tensor.zeros([0]).all() && Tensor.zeros([0]).countNonzero() == 0)
        let m = Tensor([Int64(0), 1, 0, 0], shape: [2, 2])
        #expect(try m.any(axis: 1).toArray(Bool.self) == [true, false])
        #expect(try m.all(axis: 0).toArray(Bool.self) == [false, false])
        #expect(try m.countNonzero(axis: 0).toArray(Int64.self) == [0, 1])
        #expect(try Tensor.zeros([2, 0]).all(axis: 1).toArray(Bool.self) == [true, true])
        #expect(try Tensor.zeros([2, 0]).any(axis: 1, keepDim: true).shape == [2, 1])
        // Large enough to count in parallel chunks.
        let big = Tensor((0..<600_000).map { Int32($0 % 3) })
        #expect(big.countNonzero() == 400_000)
    }

    @Test func varianceAndStd() throws {
        let x = Tensor([Float(1), 2, 3, 4])
        // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
        #expect(close(try x.variance().toDoubles(), [5.0 / 3.0]))
        #expect(try x.variance(correction: 0).toArray(Float.self) == [1.25])
        #expect(close(try x.std(correction: 0).toDoubles(), [1.118033988749895]))
        #expect(try x.variance().dtype == .float32)
        #expect(try Tensor([Int64(1), 3]).variance().toArray(Float.self) == [2])
        #expect(try Tensor([5.0]).variance().item().isNaN)
        #expect(try Tensor([5.0, 5]).variance(correction: 3).item().isNaN)
        #expect(try Tensor([5.0, 7]).variance(correction: 2).item() == .infinity)
        #expect(try Tensor.zeros([0]).variance().item().isNaN)
        #expect(try Tensor([1.0, .nan]).std().item().isNaN)
        let m = Tensor([1.0, 3, 2, 6], shape: [2, 2])
        // Columns [1, 2] (mean 1.5, squares 0.5) and [3, 6] (mean 4.5, squares 4.5).
        #expect(try m.variance(axis: 0).toArray(Double.self) == [0.5, 4.5])
        #expect(try m.variance(axis: -1, keepDim: true).shape == [2, 1])
        #expect(try m.variance(axis: 1).toArray(Double.self) == [2, 8])
        expectTensorError(containing: "variance: correction must be non-negative") { try m.variance(correction: -1) }
        expectTensorError(containing: "std: axis 3 is out of range") { try m.std(axis: 3) }
    }
}
