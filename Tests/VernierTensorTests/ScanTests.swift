import Testing
@testable import VernierTensor

@Suite struct ScanTests {
    @Test func cumsum() throws {
        #expect(try Tensor([Float(1), 2, 3, 4]).cumsum(axis: 0).toArray(Float.self) == [1, 3, 6, 10])
        let withNaN = try Tensor([Float(1), .nan, 2]).cumsum(axis: 0).toArray(Float.self)
        #expect(withNaN[0] == 1 && withNaN[1].isNaN && withNaN[2].isNaN)
        let m = Tensor([1.0, 2, 3, 4], shape: [2, 2])
        #expect(try m.cumsum(axis: 0).toArray(Double.self) == [1, 2, 4, 6])
        #expect(try m.cumsum(axis: -1).toArray(Double.self) == [1, 3, 3, 7])
        #expect(try Tensor.zeros([0, 3]).cumsum(axis: 1).shape == [0, 3])
        #expect(try Tensor.scalar(2.5).cumsum(axis: 0).toArray(Float.self) == [2.5])
        expectTensorError(containing: "cumsum: axis 2 is out of range") { try m.cumsum(axis: 2) }
    }

    @Test func cumsumAccumulatesFloat32InDouble() throws {
        // In float32 arithmetic 1e8 + 1 rounds back to 1e8, so the last sum would be 0.
        let out = try Tensor([Float(1e8), 1, -1e8]).cumsum(axis: 0)
        #expect(out.dtype == .float32)
        #expect(out.toArray(Float.self) == [1e8, 1e8, 1])
    }

    @Test func cumsumOfIntegersAndBoolIsInt64() throws {
        let ints = try Tensor([Int32(5), -2, 7]).cumsum(axis: 0)
        #expect(ints.dtype == .int64 && ints.toArray(Int64.self) == [5, 3, 10])
        #expect(try Tensor([true, false, true]).cumsum(axis: 0).toArray(Int64.self) == [1, 1, 2])
        #expect(try Tensor([UInt8(200), 100]).cumsum(axis: 0).toArray(Int64.self) == [200, 300])
        #expect(try Tensor([Int64.max, 1]).cumsum(axis: 0).toArray(Int64.self) == [.max, .min])
    }

    @Test func cumprod() throws {
        #expect(try Tensor([1.0, 2, 3, 4]).cumprod(axis: 0).toArray(Double.self) == [1, 2, 6, 24])
        let m = Tensor([Int32(1), 2, 3, 4, 5, 6], shape: [3, 2])
        let down = try m.cumprod(axis: 0)
        #expect(down.dtype == .int64 && down.toArray(Int64.self) == [1, 2, 3, 8, 15, 48])
        #expect(try m.cumprod(axis: 1).toArray(Int64.self) == [1, 2, 3, 12, 5, 30])
        #expect(try Tensor([Float(2), 0, .infinity]).cumprod(axis: 0).toArray(Float.self)[2].isNaN)
    }

    @Test func diff() throws {
        #expect(try Tensor([Int64(1), 4, 9, 16]).diff().toArray(Int64.self) == [3, 5, 7])
        let m = Tensor([Float(1), 2, 4, 7, 11, 16], shape: [2, 3])
        let down = try m.diff(axis: 0)
        #expect(down.shape == [1, 3] && down.toArray(Float.self) == [6, 9, 12])
        let across = try m.diff(axis: -1)
        #expect(across.shape == [2, 2] && across.toArray(Float.self) == [1, 2, 4, 5])
        #expect(try Tensor([true, true, false, true]).diff().toArray(Bool.self) == [false, true, true])
        #expect(try Tensor([UInt8(5), 0]).diff().toArray(UInt8.self) == [251])
        #expect(try Tensor([Float(1)]).diff().shape == [0])
        #expect(try Tensor.zeros([0]).diff().shape == [0])
        #expect(try Tensor([Double.infinity, .infinity]).diff().toArray(Double.self)[0].isNaN)
        expectTensorError(containing: "diff: expected a tensor with at least 1 dimension") { try Tensor.scalar(1).diff() }
    }
}
