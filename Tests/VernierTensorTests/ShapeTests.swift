import Testing
@testable import VernierTensor

@Suite struct ShapeTests {
    @Test func reshapeAndInferredDimension() throws {
        let t = Tensor((0..<6).map(Int64.init))
        #expect(try t.reshaped([2, -1]).shape == [2, 3])
        #expect(try Tensor.zeros([0, 3]).reshaped([-1, 3]).shape == [0, 3])
        expectTensorError(containing: "cannot reshape [6] (6 elements) to [4]") { try t.reshaped([4]) }
        expectTensorError(containing: "invalid shape [-1, -1]") { try t.reshaped([-1, -1]) }
    }

    @Test func squeezeUnsqueeze() throws {
        let t = Tensor.zeros([1, 3, 1])
        #expect(try t.squeezed().shape == [3])
        #expect(try t.squeezed(axis: -1).shape == [1, 3])
        #expect(try t.squeezed(axis: 1).shape == [1, 3, 1])
        #expect(try Tensor.scalar(1).squeezed(axis: 0).shape == [])
        #expect(try t.unsqueezed(axis: 0).shape == [1, 1, 3, 1])
        #expect(try t.unsqueezed(axis: -1).shape == [1, 3, 1, 1])
        #expect(try t.unsqueezed(axis: 3).shape == [1, 3, 1, 1])
        #expect(try Tensor.scalar(1).unsqueezed(axis: -1).shape == [1])
        expectTensorError(containing: "unsqueezed: axis 4 is out of range for a tensor of rank 3 (expected -4...3)") { try t.unsqueezed(axis: 4) }
        expectTensorError(containing: "squeezed: axis -4 is out of range") { try t.squeezed(axis: -4) }
    }

    @Test func flipEveryWidth() throws {
        let m = Tensor([Int32(1), 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try m.flipped(axis: 0).toArray(Int32.self) == [4, 5, 6, 1, 2, 3])
        #expect(try m.flipped(axis: -1).toArray(Int32.self) == [3, 2, 1, 6, 5, 4])
        #expect(try Tensor([UInt8(1), 2, 3]).flipped(axis: 0).toArray(UInt8.self) == [3, 2, 1])
        #expect(try Tensor([1.5, -2]).flipped(axis: 0).toArray(Double.self) == [-2, 1.5])
        #expect(try Tensor([true, false, false]).flipped(axis: 0).toArray(Bool.self) == [false, false, true])
        #expect(try Tensor.zeros([0, 2]).flipped(axis: 0).shape == [0, 2])
        expectTensorError(containing: "flipped: axis 2 is out of range") { try m.flipped(axis: 2) }
    }

    @Test func repeatAlongAxis() throws {
        let m = Tensor([Int64(1), 2, 3, 4], shape: [2, 2])
        let down = try m.repeated(count: 2, axis: 0)
        #expect(down.shape == [4, 2] && down.toArray(Int64.self) == [1, 2, 3, 4, 1, 2, 3, 4])
        let across = try m.repeated(count: 3, axis: -1)
        #expect(across.shape == [2, 6] && across.toArray(Int64.self) == [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4])
        #expect(try m.repeated(count: 0, axis: 1).shape == [2, 0])
        expectTensorError(containing: "repeated: count must be non-negative") { try m.repeated(count: -1) }
        expectTensorError(containing: "repeated: cannot repeat a 0-dim tensor") { try Tensor.scalar(1).repeated(count: 2) }
    }

    @Test func slices() throws {
        let t = Tensor((0..<10).map(Int64.init))
        #expect(try t.slice(start: 1, end: 8, step: 2).toArray(Int64.self) == [1, 3, 5, 7])
        #expect(try t.slice(start: -3).toArray(Int64.self) == [7, 8, 9])
        #expect(try t.slice(start: 2, end: -6).toArray(Int64.self) == [2, 3])
        #expect(try t.slice(start: 8, end: 3).shape == [0])
        #expect(try t.slice(start: -100, end: 100).count == 10)
        let m = Tensor((0..<6).map(Float.init), shape: [2, 3])
        let cols = try m.slice(axis: 1, start: 1)
        #expect(cols.shape == [2, 2] && cols.toArray(Float.self) == [1, 2, 4, 5])
        #expect(try m.slice(axis: -1, step: 2).toArray(Float.self) == [0, 2, 3, 5])
        expectTensorError(containing: "slice: step must be positive, got 0") { try t.slice(step: 0) }
        expectTensorError(containing: "slice: cannot slice a zero-dimensional tensor") { try Tensor.scalar(1).slice() }
    }

    @Test func indexSelect() throws {
        let t = Tensor([Float(10), 20, 30])
        #expect(try t.indexSelect(indices: [-1, 0, 0]).toArray(Float.self) == [30, 10, 10])
        let m = Tensor((0..<6).map(Int32.init), shape: [2, 3])
        #expect(try m.indexSelect(axis: 1, indices: [2, 0]).toArray(Int32.self) == [2, 0, 5, 3])
        #expect(try m.indexSelect(axis: 0, indices: []).shape == [0, 3])
        #expect(try Tensor.scalar(4).indexSelect(indices: [0]).item() == 4)
        expectTensorError(containing: "index 3 is out of range for dimension 0 of size 3") { try t.indexSelect(indices: [3]) }
        expectTensorError(containing: "indexSelect: a 0-dim tensor takes exactly one index, got 2") { try Tensor.scalar(4).indexSelect(indices: [0, 0]) }
    }

    @Test func permuteAndTranspose() throws {
        let m = Tensor((0..<6).map(Int64.init), shape: [2, 3])
        let t = try m.transposed()
        #expect(t.shape == [3, 2] && t.toArray(Int64.self) == [0, 3, 1, 4, 2, 5])
        // out[k][i][j] = x[i][j][k] = 4i + 2j + k.
        let cube = Tensor((0..<8).map(Double.init), shape: [2, 2, 2])
        let p = try cube.permuted([2, 0, 1])
        #expect(p.shape == [2, 2, 2] && p.toArray(Double.self) == [0, 2, 4, 6, 1, 3, 5, 7])
        #expect(try Tensor((0..<6).map(UInt8.init), shape: [3, 2]).permuted([-1, 0]).toArray(UInt8.self) == [0, 2, 4, 1, 3, 5])
        #expect(try Tensor([true, false, false, false], shape: [2, 2]).transposed(0, -1).toArray(Bool.self) == [true, false, false, false])
        #expect(try Tensor.zeros([0, 3]).transposed().shape == [3, 0])
        expectTensorError(containing: "permute: [0, 0] is not a permutation of 2 dimensions") { try m.permuted([0, 0]) }
        expectTensorError(containing: "axis 2 is out of range") { try m.transposed(0, 2) }
    }

    @Test func concatenateAndStack() throws {
        let joined = try Tensor.concatenate([Tensor([Int32(1), 2]), Tensor([Float(0.5)])])
        #expect(joined.dtype == .float32 && joined.toArray(Float.self) == [1, 2, 0.5])
        let a = Tensor([Int64(1), 2], shape: [2, 1]), b = Tensor([Int64(3), 4, 5, 6], shape: [2, 2])
        let wide = try Tensor.concatenate([a, b], axis: -1)
        #expect(wide.shape == [2, 3] && wide.toArray(Int64.self) == [1, 3, 4, 2, 5, 6])
        let stacked = try Tensor.stack([Tensor([Int64(1), 2]), Tensor([Int64(3), 4])], axis: 1)
        #expect(stacked.shape == [2, 2] && stacked.toArray(Int64.self) == [1, 3, 2, 4])
        expectTensorError(containing: "differ outside axis 1") { try Tensor.concatenate([a, Tensor.zeros([3, 1], dtype: .int64)], axis: 1) }
        expectTensorError(containing: "concatenate: no tensors") { try Tensor.concatenate([]) }
        expectTensorError(containing: "stack: shapes [2] and [3] differ") { try Tensor.stack([.zeros([2]), .zeros([3])]) }
    }
}

@Suite struct ConstructionTests {
    @Test func arangeAndLinspace() throws {
        #expect(try Tensor.arange(5).toArray(Int64.self) == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(1, 2, step: 0.25, dtype: .float64).toArray(Double.self) == [1, 1.25, 1.5, 1.75])
        #expect(try Tensor.arange(3, 0, step: -1).toArray(Int64.self) == [3, 2, 1])
        #expect(try Tensor.arange(3, 0).shape == [0])
        expectTensorError(containing: "arange: expected finite bounds and a finite non-zero step") { try Tensor.arange(0, 3, step: 0) }
        expectTensorError(containing: "arange: expected finite bounds") { try Tensor.arange(0, .infinity) }
        #expect(Tensor.linspace(0, 1, count: 5, dtype: .float64).toArray(Double.self) == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(2, 2, count: 1).toArray(Float.self) == [2])
        #expect(Tensor.linspace(0, 1, count: 0).shape == [0])
    }

    @Test func fullOnesScalar() {
        #expect(Tensor.full([2], 2.7, dtype: .int32).toArray(Int32.self) == [2, 2])
        #expect(Tensor.ones([2], dtype: .bool).toArray(Bool.self) == [true, true])
        #expect(Tensor.scalar(Int64(-3)).shape == [] && Tensor.scalar(Int64(-3)).int64Element(at: 0) == -3)
        #expect(Tensor([Int32(7), 8], shape: [2, 1]).description == "Tensor(int32 [2, 1]: 7, 8)")
    }
}
