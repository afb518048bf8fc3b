import Testing
@testable import VernierTensor

@Suite struct BroadcastTests {
    @Test func generalPathAlignsFromTheRight() throws {
        // a[i][0][k] = 3i + k, b[j][0] = 10 (j = 0) or 20 (j = 1); out[i][j][k] = a + b.
        let a = Tensor([Int64(0), 1, 2, 3, 4, 5], shape: [2, 1, 3])
        let b = Tensor([Int64(10), 20], shape: [2, 1])
        let out = try Tensor.binary(.add, a, b)
        #expect(out.shape == [2, 2, 3])
        #expect(out.dtype == .int64)
        #expect(out.toArray(Int64.self) == [10, 11, 12, 20, 21, 22, 13, 14, 15, 23, 24, 25])
    }

    @Test func columnTimesRow() throws {
        let col = Tensor([Float(1), 2, 3], shape: [3, 1])
        let row = Tensor([Float(1), 10, 100, 1000])
        let out = try Tensor.binary(.mul, col, row)
        #expect(out.shape == [3, 4])
        #expect(out.toArray(Float.self) == [1, 10, 100, 1000, 2, 20, 200, 2000, 3, 30, 300, 3000])
        let reversed = try Tensor.binary(.sub, row, col)
        #expect(reversed.toArray(Float.self) == [0, 9, 99, 999, -1, 8, 98, 998, -2, 7, 97, 997])
    }

    @Test func broadcastToMaterialises() throws {
        let t = try Tensor([Int32(1), 2, 3]).broadcast(to: [2, 3])
        #expect(t.shape == [2, 3])
        #expect(t.toArray(Int32.self) == [1, 2, 3, 1, 2, 3])
        let empty = try Tensor([Float(1)], shape: [1, 1]).broadcast(to: [0, 4])
        #expect(empty.shape == [0, 4] && empty.count == 0)
        expectTensorError(containing: "cannot be broadcast") { try Tensor.zeros([2, 3]).broadcast(to: [3, 2]) }
        expectTensorError(containing: "cannot broadcast [2, 3] to [3]") { try Tensor.zeros([2, 3]).broadcast(to: [3]) }
        expectTensorError(containing: "cannot be broadcast together") { try Tensor.binary(.add, .zeros([2, 3]), .zeros([3, 2])) }
    }
}

@Suite struct ArithmeticTests {
    @Test func promotion() throws {
        #expect(try Tensor.binary(.add, Tensor([Int32(1)]), Tensor([2.5])).dtype == .float64)
        #expect(try Tensor.binary(.add, Tensor([UInt8(1)]), Tensor([Int32(2)])).dtype == .int32)
        let bools = try Tensor.binary(.add, Tensor([true, false]), Tensor([true, true]))
        #expect(bools.dtype == .int64 && bools.toArray(Int64.self) == [2, 1])
        // A 0-dim operand of a higher category decides; of the same category it does not.
        #expect(try Tensor.binary(.add, Tensor([Int64(1)]), .scalar(1, dtype: .float64)).dtype == .float64)
        #expect(try Tensor.binary(.add, Tensor([Float(1)]), .scalar(1, dtype: .float64)).dtype == .float32)
        #expect((Tensor([Int64(1), 2]) + 1.5).dtype == .float32)
        #expect((Tensor([Int64(1), 2]) + 1).toArray(Int64.self) == [2, 3])
        #expect((Tensor([true]) * 0.5).toArray(Float.self) == [0.5])
    }

    @Test func integerDivisionGivesFloat32() throws {
        let out = try Tensor.binary(.div, Tensor([Int64(1), 2, 3, -3]), Tensor([Int64(2), 2, 0, 0]))
        #expect(out.dtype == .float32)
        #expect(out.toArray(Float.self) == [0.5, 1, .infinity, -.infinity])
    }

    @Test func pythonStyleRemainderAndFloorDivide() throws {
        let x = Tensor([Int64(-7), 7, -7, 7]), y = Tensor([Int64(3), 3, -3, -3])
        #expect(try Tensor.binary(.remainder, x, y).toArray(Int64.self) == [2, 1, -1, -2])
        #expect(try Tensor.binary(.floorDivide, x, y).toArray(Int64.self) == [-3, 2, 2, -3])
        let fx = Tensor([-7.5, 7.5]), fy = Tensor([2.0, -2.0])
        #expect(try Tensor.binary(.remainder, fx, fy).toArray(Double.self) == [0.5, -0.5])
        #expect(try Tensor.binary(.floorDivide, fx, fy).toArray(Double.self) == [-4, -4])
        #expect(try Tensor.binary(.remainder, Tensor([1.0]), Tensor([0.0])).toArray(Double.self)[0].isNaN)
    }

    @Test func integerDivisionOverflowWrapsInsteadOfTrapping() throws {
        let x = Tensor([Int64.min, Int64(5)]), y = Tensor([Int64(-1), -1])
        #expect(try Tensor.binary(.floorDivide, x, y).toArray(Int64.self) == [Int64.min, -5])
        #expect(try Tensor.binary(.remainder, x, y).toArray(Int64.self) == [0, 0])
    }

    @Test func integerErrors() {
        expectTensorError(containing: "remainder: integer division by zero") {
            try Tensor.binary(.remainder, Tensor([Int64(1)]), Tensor([Int64(0)]))
        }
        expectTensorError(containing: "floor_divide: integer division by zero") {
            try Tensor.binary(.floorDivide, Tensor([Int32(1), 2]), Tensor([Int32(0)]))
        }
        expectTensorError(containing: "negative integer powers") {
            try Tensor.binary(.pow, Tensor([Int64(2)]), Tensor([Int64(-1)]))
        }
    }

    @Test func powMaximumMinimum() throws {
        #expect(try Tensor.binary(.pow, Tensor([Int64(2), 3]), Tensor([Int64(3), 2])).toArray(Int64.self) == [8, 9])
        #expect(Tensor([Float(4), 9]).pow(0.5).toArray(Float.self) == [2, 3])
        let maxed = try Tensor.binary(.maximum, Tensor([1.0, .nan, 3]), Tensor([2.0, 0, .nan])).toArray(Double.self)
        #expect(maxed[0] == 2 && maxed[1].isNaN && maxed[2].isNaN)
        #expect(try Tensor.binary(.minimum, Tensor([Int32(1), 5]), Tensor([Int32(3)])).toArray(Int32.self) == [1, 3])
    }

    @Test func negation() {
        #expect((-Tensor([true, false])).toArray(Int64.self) == [-1, 0])
        #expect((-Tensor([UInt8(1), 0])).toArray(UInt8.self) == [255, 0])
    }
}

@Suite struct CompareLogicalWhereTests {
    @Test func comparisonsWithNaN() throws {
        let x = Tensor([Float(1), .nan, 3])
        #expect(x.gt(2).toArray(Bool.self) == [false, false, true])
        #expect(x.le(3).toArray(Bool.self) == [true, false, true])
        #expect(x.ne(1).toArray(Bool.self) == [false, true, true])
        #expect(try x.eq(x).toArray(Bool.self) == [true, false, true])
        #expect(try Tensor.compare(.lt, Tensor([Int64(1), 5]), Tensor([Int64(3)], shape: [1, 1])).shape == [1, 2])
        #expect(try Tensor.compare(.ge, Tensor([true, false]), Tensor([true, true])).toArray(Bool.self) == [true, false])
    }

    @Test func logicalOpsUseTruthValues() throws {
        let a = Tensor([0.0, 2, .nan]), b = Tensor([Int64(1), 1, 0])
        #expect(try Tensor.logical(.and, a, b).toArray(Bool.self) == [false, true, false])
        #expect(try Tensor.logical(.or, a, b).toArray(Bool.self) == [true, true, true])
        #expect(try Tensor.logical(.xor, a, b).toArray(Bool.self) == [true, false, true])
        #expect(Tensor([0.0, .nan]).logicalNot().toArray(Bool.self) == [true, false])
    }

    @Test func whereBroadcastsAndPromotes() throws {
        let out = try Tensor.where(Tensor([true, false, true]), Tensor([Int64(1), 2, 3]), .scalar(0.5))
        #expect(out.dtype == .float32)
        #expect(out.toArray(Float.self) == [1, 0.5, 3])
        let grid = try Tensor.where(Tensor([true, false], shape: [2, 1]), Tensor([Int64(1), 2]), Tensor([Int64(-1)]))
        #expect(grid.shape == [2, 2] && grid.toArray(Int64.self) == [1, 2, -1, -1])
    }
}

@Suite struct CastAndUnaryTests {
    @Test func floatToIntegerTruncatesAndSaturates() {
        let x = Tensor([Float(-1.7), 2.9, .nan, 1e20, -.infinity])
        #expect(x.cast(.int64).toArray(Int64.self) == [-1, 2, 0, .max, .min])
        #expect(x.cast(.bool).toArray(Bool.self) == [true, true, true, true, true])
        #expect(Tensor([0.0, -0.0]).cast(.bool).toArray(Bool.self) == [false, false])
    }

    @Test func integerCastsWrap() {
        #expect(Tensor([Int64(256), -1, 300]).cast(.uint8).toArray(UInt8.self) == [0, 255, 44])
        #expect(Tensor([Int64(1) << 32 + 7]).cast(.int32).toArray(Int32.self) == [7])
        #expect(Tensor([Int32.min]).cast(.float64).toArray(Double.self) == [-2_147_483_648])
        #expect(Tensor([true, false]).cast(.float32).toArray(Float.self) == [1, 0])
        #expect(Tensor([UInt8(0), 9]).cast(.bool).toArray(Bool.self) == [false, true])
        #expect(Tensor([Float(0.1)]).cast(.float64).toArray(Double.self) == [Double(Float(0.1))])
    }

    @Test func unaryOps() {
        #expect(Tensor([0.5, 1.5, 2.5, -0.5]).unary(.round).toArray(Double.self) == [0, 2, 2, -0.0])
        #expect(Tensor([Float(0)]).sigmoid().toArray(Float.self) == [0.5])
        #expect(close(Tensor([0.0, -1000]).unary(.logsigmoid).toDoubles(), [-0.6931471805599453, -1000]))
        #expect(Tensor([Int64(-3), 4]).abs().toArray(Int64.self) == [3, 4])
        #expect(Tensor([Int64(4)]).sqrt().toArray(Float.self) == [2])
        #expect(Tensor([0.0, -1]).log().toArray(Double.self)[0] == -.infinity)
        #expect(Tensor([0.0, -1]).log().toArray(Double.self)[1].isNaN)
        #expect(Tensor([Float(-2), 0.5]).clamp(min: 0, max: 0.25).toArray(Float.self) == [0, 0.25])
        #expect(Tensor([Double.nan, .infinity, -.infinity, 1]).nanToNum(nan: 0, posinf: 9, neginf: -9).toArray(Double.self) == [0, 9, -9, 1])
    }
}
