import Testing
@testable import VernierTensor

@Suite struct GatherScatterTests {
    @Test func gather() throws {
        let x = Tensor([Int64(1), 2, 3, 4], shape: [2, 2])
        #expect(try x.gather(axis: 1, index: Tensor([Int64(0), 0, 1, 0], shape: [2, 2])).toArray(Int64.self) == [1, 1, 4, 3])
        #expect(try x.gather(axis: 0, index: Tensor([Int64(1), 0], shape: [1, 2])).toArray(Int64.self) == [3, 2])
        #expect(try x.gather(axis: -1, index: Tensor([Int32(1), 0], shape: [2, 1])).toArray(Int64.self) == [2, 3])
        // An index smaller than the input outside the axis: x3[i][index[i][0]].
        let x3 = Tensor((0..<9).map(Float.init), shape: [3, 3])
        let picked = try x3.gather(axis: 1, index: Tensor([Int64(2), 0], shape: [2, 1]))
        #expect(picked.shape == [2, 1] && picked.toArray(Float.self) == [2, 3])
        #expect(try x3.gather(axis: 0, index: Tensor.zeros([0, 3], dtype: .int64)).shape == [0, 3])
        #expect(try Tensor.scalar(4.5).gather(axis: 0, index: .scalar(Int64(0))).item() == 4.5)
    }

    @Test func gatherErrors() {
        let x = Tensor([Int64(1), 2, 3, 4], shape: [2, 2])
        expectTensorError(containing: "gather: index 2 is out of bounds for dimension 1 with size 2") {
            try x.gather(axis: 1, index: Tensor([Int64(0), 2], shape: [1, 2]))
        }
        expectTensorError(containing: "gather: index -1 is out of bounds") { try x.gather(axis: 0, index: Tensor([Int64(-1), 0], shape: [1, 2])) }
        expectTensorError(containing: "gather: index must be an integer tensor") { try x.gather(axis: 0, index: Tensor([Float(0), 0], shape: [1, 2])) }
        expectTensorError(containing: "gather: index must have the same rank") { try x.gather(axis: 0, index: Tensor([Int64(0)])) }
        expectTensorError(containing: "exceeds input shape [2, 2] in dimension 1") { try x.gather(axis: 0, index: Tensor.zeros([1, 3], dtype: .int64)) }
    }

    @Test func scatterAdd() throws {
        let line = try Tensor.zeros([4]).scatterAdd(axis: 0, index: Tensor([Int64(0), 2, 0, 3]), source: Tensor([Float(1), 2, 3, 4]))
        #expect(line.toArray(Float.self) == [4, 0, 2, 4])
        let ones = Tensor.ones([2, 3], dtype: .int64)
        let index = Tensor([Int64(0), 0, 2, 1], shape: [2, 2])
        let rows = try ones.scatterAdd(axis: 1, index: index, source: Tensor([Int64(5), 6, 7, 8], shape: [2, 2]))
        #expect(rows.toArray(Int64.self) == [12, 1, 1, 1, 9, 8])
        // A source larger than the index: only the index's positions are read.
        let wide = try ones.scatterAdd(axis: 1, index: index, source: Tensor([Int64(5), 6, 100, 7, 8, 100], shape: [2, 3]))
        #expect(wide.toArray(Int64.self) == [12, 1, 1, 1, 9, 8])
        let down = try Tensor.zeros([2, 2], dtype: .float64).scatterAdd(axis: 0, index: Tensor([Int64(1), 0, 1, 1], shape: [2, 2]), source: Tensor([1.0, 2, 3, 4], shape: [2, 2]))
        #expect(down.toArray(Double.self) == [0, 2, 4, 4])
        #expect(ones.toArray(Int64.self) == [1, 1, 1, 1, 1, 1])
        let flags = try Tensor([false, false]).scatterAdd(axis: 0, index: Tensor([Int64(1), 1]), source: Tensor([true, false]))
        #expect(flags.toArray(Bool.self) == [false, true])
    }

    @Test func scatterAddErrors() {
        let base = Tensor.zeros([3])
        expectTensorError(containing: "scatterAdd: source must have the input's dtype float32, got float64") {
            try base.scatterAdd(axis: 0, index: Tensor([Int64(0)]), source: Tensor([1.0]))
        }
        expectTensorError(containing: "scatterAdd: index 3 is out of bounds for dimension 0 with size 3") {
            try base.scatterAdd(axis: 0, index: Tensor([Int64(3)]), source: Tensor([Float(1)]))
        }
        expectTensorError(containing: "must not exceed source shape") {
            try base.scatterAdd(axis: 0, index: Tensor([Int64(0), 1]), source: Tensor([Float(1)]))
        }
        expectTensorError(containing: "must have the same rank") {
            try base.scatterAdd(axis: 0, index: Tensor([Int64(0)], shape: [1, 1]), source: Tensor([Float(1)]))
        }
    }
}

@Suite struct SelectionTests {
    @Test func maskedSelectBroadcasts() throws {
        let x = Tensor([Int32(1), 2, 3, 4], shape: [2, 2])
        #expect(try x.maskedSelect(Tensor([true, false])).toArray(Int32.self) == [1, 3])
        #expect(try x.maskedSelect(Tensor([false, true, true, false], shape: [2, 2])).toArray(Int32.self) == [2, 3])
        #expect(try x.maskedSelect(Tensor([false])).shape == [0])
        #expect(try Tensor.scalar(2.0, dtype: .float64).maskedSelect(Tensor([true, false, true])).toArray(Double.self) == [2, 2])
        expectTensorError(containing: "maskedSelect: mask must be bool, got int64") { try x.maskedSelect(Tensor([Int64(1), 0])) }
        expectTensorError(containing: "cannot be broadcast") { try x.maskedSelect(Tensor([true, false, true])) }
    }

    @Test func nonzero() {
        let m = Tensor([Float(0), 1, 2, 0], shape: [2, 2]).nonzero()
        #expect(m.shape == [2, 2] && m.toArray(Int64.self) == [0, 1, 1, 0])
        let line = Tensor([0.0, .nan, -0.0, 3]).nonzero()
        #expect(line.shape == [2, 1] && line.toArray(Int64.self) == [1, 3])
        let cube = Tensor([false, false, false, true, false, false, true, false], shape: [2, 2, 2]).nonzero()
        #expect(cube.toArray(Int64.self) == [0, 1, 1, 1, 1, 0])
        #expect(Tensor.scalar(5).nonzero().shape == [1, 0])
        #expect(Tensor.zeros([3]).nonzero().shape == [0, 1])
    }

    @Test func oneHot() throws {
        let out = try Tensor([Int64(0), 2, 1]).oneHot(numClasses: 3)
        #expect(out.shape == [3, 3] && out.dtype == .int64)
        #expect(out.toArray(Int64.self) == [1, 0, 0, 0, 0, 1, 0, 1, 0])
        let inferred = try Tensor([UInt8(1), 0], shape: [2, 1]).oneHot()
        #expect(inferred.shape == [2, 1, 2] && inferred.toArray(Int64.self) == [0, 1, 1, 0])
        #expect(try Tensor.zeros([0], dtype: .int32).oneHot(numClasses: 2).shape == [0, 2])
        expectTensorError(containing: "oneHot: class values must be non-negative, got -1") { try Tensor([Int64(-1)]).oneHot(numClasses: 2) }
        expectTensorError(containing: "oneHot: class value 2 is out of range for numClasses 2") { try Tensor([Int64(2)]).oneHot(numClasses: 2) }
        expectTensorError(containing: "oneHot: input must be an integer tensor") { try Tensor([Float(1)]).oneHot() }
        expectTensorError(containing: "oneHot: input must be an integer tensor") { try Tensor([true]).oneHot() }
        expectTensorError(containing: "cannot infer numClasses") { try Tensor.zeros([0], dtype: .int64).oneHot() }
        expectTensorError(containing: "numClasses must be -1 (infer) or non-negative, got -2") { try Tensor([Int64(0)]).oneHot(numClasses: -2) }
    }
}

@Suite struct BincountTests {
    @Test func counts() throws {
        let x = Tensor([Int64(1), 1, 3])
        let out = try x.bincount()
        #expect(out.dtype == .int64 && out.toArray(Int64.self) == [0, 2, 0, 1])
        #expect(try x.bincount(minlength: 6).toArray(Int64.self) == [0, 2, 0, 1, 0, 0])
        #expect(try x.bincount(minlength: 2).shape == [4])
        #expect(try Tensor([UInt8(2)]).bincount().toArray(Int64.self) == [0, 0, 1])
        #expect(try Tensor.zeros([0], dtype: .int32).bincount(minlength: 3).toArray(Int64.self) == [0, 0, 0])
        #expect(try Tensor.zeros([0], dtype: .int32).bincount().shape == [0])
    }

    @Test func weightDtypes() throws {
        let x = Tensor([Int32(1), 1, 3])
        let f32 = try x.bincount(weights: Tensor([Float(0.5), 0.25, 2]))
        #expect(f32.dtype == .float32 && f32.toArray(Float.self) == [0, 0.75, 0, 2])
        let f64 = try x.bincount(weights: Tensor([0.5, 0.25, 2]))
        #expect(f64.dtype == .float64 && f64.toArray(Double.self) == [0, 0.75, 0, 2])
        let ints = try x.bincount(weights: Tensor([Int64(2), 3, 4]), minlength: 5)
        #expect(ints.dtype == .float64 && ints.toArray(Double.self) == [0, 5, 0, 4, 0])
    }

    @Test func parallelChunksAgree() throws {
        // 2^20 values i % 7: 1048576 = 7 * 149796 + 4, so bins 0...3 get one extra.
        let n = 1 << 20
        let x = Tensor((0..<n).map { Int64($0 % 7) })
        #expect(try x.bincount().toArray(Int64.self) == [149_797, 149_797, 149_797, 149_797, 149_796, 149_796, 149_796])
        let w = try x.bincount(weights: Tensor.full([n], 0.5, dtype: .float64))
        #expect(w.toArray(Double.self) == [74_898.5, 74_898.5, 74_898.5, 74_898.5, 74_898, 74_898, 74_898])
    }

    @Test func errors() {
        expectTensorError(containing: "bincount: input values must be non-negative, got -1") { try Tensor([Int64(0), -1]).bincount() }
        expectTensorError(containing: "bincount: input must be a non-negative integer tensor") { try Tensor([Float(1)]).bincount() }
        expectTensorError(containing: "bincount: input must be a non-negative integer tensor") { try Tensor([true]).bincount() }
        expectTensorError(containing: "bincount: input must be 1-D, got shape [1, 1]") { try Tensor([Int64(1)], shape: [1, 1]).bincount() }
        expectTensorError(containing: "bincount: weights must have the input's shape [2]") { try Tensor([Int64(1), 2]).bincount(weights: Tensor([1.0])) }
        expectTensorError(containing: "bincount: minlength must be non-negative") { try Tensor([Int64(1)]).bincount(minlength: -1) }
    }
}
