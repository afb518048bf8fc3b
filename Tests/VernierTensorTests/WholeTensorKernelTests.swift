import Testing
@testable import VernierTensor

/// The whole-tensor kernels that Lua scripts lean on (byte sums, extrema,
/// counts, early-exit searches, bytewise logic, one-pass clamp, dot, casts),
/// checked on sizes that cross their block, unroll and parallel-chunk edges
/// against values computed independently in plain Swift.
@Suite struct WholeTensorKernelTests {
    /// Sizes around the 8-byte words, the 1 KiB blocks of the byte sum and the
    /// parallel threshold (2^18 elements per task).
    let sizes = [0, 1, 7, 8, 9, 1023, 1024, 1025, 8191, (1 << 18) + 3, 600_001]

    @Test func byteSumsOfBoolAndUInt8() throws {
        for n in sizes {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
            let expected = bytes.reduce(0) { $0 + Int($1) }
            let t = Tensor(bytes)
            #expect(t.byteSum() == expected, "uint8 n=\(n)")
            #expect(t.sum().int64Element(at: 0) == Int64(expected), "uint8 sum n=\(n)")
            #expect(t.sum().dtype == .int64)
            let mask = Tensor(bytes.map { $0 % 3 == 0 })
            let trues = bytes.filter { $0 % 3 == 0 }.count
            #expect(mask.sum().int64Element(at: 0) == Int64(trues), "bool n=\(n)")
            #expect(mask.countNonzero() == trues, "bool count n=\(n)")
        }
        // Above Parallelism.minimumBytesPerTask the byte kernels split across threads.
        let n = 2 * Parallelism.minimumBytesPerTask + 13
        let large = Tensor((0..<n).map { $0 % 7 == 0 || $0 == n - 1 })
        let expectedTrues = (0..<n).filter { $0 % 7 == 0 || $0 == n - 1 }.count
        #expect(large.sum().int64Element(at: 0) == Int64(expectedTrues) && large.countNonzero() == expectedTrues)
        #expect(try Tensor.logical(.and, large, large).sum().int64Element(at: 0) == Int64(expectedTrues))
        #expect(try Tensor.logical(.xor, large, large).sum().int64Element(at: 0) == 0)
        // 255 in every byte: the 16-bit lanes hold 128 words * 510 without overflow.
        let full = Tensor([UInt8](repeating: 255, count: 5000))
        #expect(full.sum().int64Element(at: 0) == 255 * 5000)
    }

    @Test func extremaMatchASerialScan() throws {
        for n in sizes where n > 0 {
            let values = (0..<n).map { Float(($0 &* 2_654_435_761) % 1_000_003) - 500_000 }
            let t = Tensor(values)
            let (lo, hi) = try t.aminmax()
            #expect(lo.toArray(Float.self) == [values.min()!] && hi.toArray(Float.self) == [values.max()!], "n=\(n)")
            #expect(try t.reduce(.min).toArray(Float.self) == [values.min()!])
            #expect(try t.reduce(.max, axis: 0, keepDim: true).shape == [1])
            let ints = Tensor(values.map { Int64($0) * 1_000_000_007 })
            let (ilo, ihi) = try ints.aminmax()
            #expect(ilo.int64Element(at: 0) == Int64(values.min()!) * 1_000_000_007, "int64 n=\(n)")
            #expect(ihi.int64Element(at: 0) == Int64(values.max()!) * 1_000_000_007, "int64 n=\(n)")
        }
    }

    @Test func extremaPropagateNaNWhereverItIs() throws {
        for n in [1, 5, 8, 9, 700_000] {
            for position in Set([0, n / 2, n - 1]) {
                var values = [Double](repeating: 1, count: n)
                values[position] = .nan
                let (lo, hi) = try Tensor(values).aminmax()
                #expect(lo.toArray(Double.self)[0].isNaN && hi.toArray(Double.self)[0].isNaN, "n=\(n) at \(position)")
                #expect(try Tensor(values).reduce(.max).toArray(Double.self)[0].isNaN)
            }
        }
    }

    @Test func extremaOfInfinitiesAndNegativeNaN() throws {
        let (lo, hi) = try Tensor([Float(1), .infinity, -.infinity, -3]).aminmax()
        #expect(lo.toArray(Float.self) == [-.infinity] && hi.toArray(Float.self) == [.infinity])
        let (dlo, dhi) = try Tensor([1.0, .infinity, -.infinity, -3]).aminmax()
        #expect(dlo.toArray(Double.self) == [-.infinity] && dhi.toArray(Double.self) == [.infinity])
        // A NaN with its sign bit set (the float32 kernel sees it below -inf).
        let negativeNaN = Float(bitPattern: 0xFFC0_0000)
        #expect(try Tensor([Float(2), negativeNaN, 5]).reduce(.min).toArray(Float.self)[0].isNaN)
        #expect(try Tensor([Float(2), negativeNaN, 5]).reduce(.max).toArray(Float.self)[0].isNaN)
        let (zlo, zhi) = try Tensor([Float(0), -0.0, 0]).aminmax()
        #expect(zlo.toArray(Float.self) == [0] && zhi.toArray(Float.self) == [0])
        #expect(try Tensor([Float(-7.5), -2, -100]).aminmax().max.toArray(Float.self) == [-2])
    }

    @Test func extremaOfBoolStayBoolAndEmptyRaises() throws {
        let (lo, hi) = try Tensor([true, false, true]).aminmax()
        #expect(lo.dtype == .bool && lo.toArray(Bool.self) == [false] && hi.toArray(Bool.self) == [true])
        #expect(try Tensor([true, true]).reduce(.min).toArray(Bool.self) == [true])
        expectTensorError(containing: "aminmax: cannot reduce an empty tensor") { try Tensor.zeros([0]).aminmax() }
        expectTensorError(containing: "min: cannot reduce an empty tensor") { try Tensor.zeros([2, 0]).reduce(.min) }
    }

    @Test func anyAndAllFindLateHits() {
        for n in [4095, 4096, 4097, 100_000] {
            var zeros = [Int32](repeating: 0, count: n)
            #expect(!Tensor(zeros).any() && !Tensor(zeros).all())
            zeros[n - 1] = -3
            #expect(Tensor(zeros).any(), "n=\(n)")
            var ones = [Bool](repeating: true, count: n)
            #expect(Tensor(ones).all())
            ones[n - 1] = false
            #expect(!Tensor(ones).all() && Tensor(ones).any(), "n=\(n)")
            var floats = [Float](repeating: 0, count: n)
            floats[n - 1] = -0.0
            #expect(!Tensor(floats).any())
            floats[n - 2] = .nan
            #expect(Tensor(floats).any() && Tensor(floats).countNonzero() == 1)
        }
    }

    @Test func bytewiseLogicMatchesTruthTables() throws {
        let n = 300_007
        let a = (0..<n).map { $0 % 3 == 0 }, b = (0..<n).map { $0 % 5 == 0 }
        let x = Tensor(a), y = Tensor(b)
        #expect(try Tensor.logical(.and, x, y).toArray(Bool.self) == zip(a, b).map { $0 && $1 })
        #expect(try Tensor.logical(.or, x, y).toArray(Bool.self) == zip(a, b).map { $0 || $1 })
        #expect(try Tensor.logical(.xor, x, y).toArray(Bool.self) == zip(a, b).map { $0 != $1 })
        // Non-bool operands of the same shape are truth values first (2 and NaN are true).
        #expect(try Tensor.logical(.and, Tensor([2.0, .nan, 0]), Tensor([Int64(1), 7, 1])).toArray(Bool.self) == [true, true, false])
    }

    @Test func clampIsOnePassWithPyTorchTypes() {
        let f = Tensor([Float(-2), 0.5, .nan, 3]).clamp(min: 0, max: 1)
        #expect(f.dtype == .float32)
        let v = f.toArray(Float.self)
        #expect(v[0] == 0 && v[1] == 0.5 && v[2].isNaN && v[3] == 1)
        #expect(Tensor([Int64(-5), 3, 9]).clamp(min: 0, max: 4).toArray(Int64.self) == [0, 3, 4])
        #expect(Tensor([Int64(-5), 3]).clamp(min: 0).toArray(Int64.self) == [0, 3])
        // A fractional bound makes an integer tensor float32; min above max gives max everywhere.
        let promoted = Tensor([Int64(0), 2]).clamp(max: 1.5)
        #expect(promoted.dtype == .float32 && promoted.toArray(Float.self) == [0, 1.5])
        #expect(Tensor([1.0, 5.0]).clamp(min: 4, max: 2).toArray(Double.self) == [2, 2])
        #expect(Tensor([true, false]).clamp(min: 0, max: 1).toArray(Int64.self) == [1, 0])
        let untouched = Tensor([true, false]).clamp()
        #expect(untouched.dtype == .bool && untouched.toArray(Bool.self) == [true, false])
    }

    @Test func dotOfOneDimensionalTensors() throws {
        let n = 700_003
        let a = (0..<n).map { Float(($0 % 17) - 8) / 4 }, b = (0..<n).map { Float(($0 % 11) - 5) / 8 }
        let expectedAB = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let expectedAA = a.reduce(0.0) { $0 + Double($1) * Double($1) }
        let x = Tensor(a), y = Tensor(b)
        #expect(try x.matmul(y).shape == [] && x.matmul(y).dtype == .float32)
        #expect(try x.matmul(y).toArray(Float.self) == [Float(expectedAB)])
        #expect(try x.matmul(x).toArray(Float.self) == [Float(expectedAA)])
        #expect(try Tensor([1.0, 2, 3]).matmul(Tensor([Int64(4), 5, 6])).toArray(Double.self) == [32])
        #expect(try Tensor([Int64(1), 2]).matmul(Tensor([Int64(3), 4])).toArray(Int64.self) == [11])
        #expect(try Tensor.zeros([0]).matmul(Tensor.zeros([0])).toArray(Float.self) == [0])
    }

    @Test func castsAcrossChunks() {
        let n = 600_001
        let ints = (0..<n).map { Int64($0 % 7) - 3 }
        let t = Tensor(ints)
        #expect(t.cast(.bool).toArray(Bool.self) == ints.map { $0 != 0 })
        #expect(t.cast(.float32).toArray(Float.self) == ints.map { Float($0) })
        let mask = Tensor(ints.map { $0 > 0 })
        #expect(mask.cast(.float64).toArray(Double.self) == ints.map { $0 > 0 ? 1 : 0 })
        #expect(mask.cast(.int64).toArray(Int64.self) == ints.map { $0 > 0 ? 1 : 0 })
        #expect(Tensor([Float.nan, -0.0, 0.25]).cast(.bool).toArray(Bool.self) == [true, false, true])
    }

    @Test func sliceWithUnitStepCopiesRows() throws {
        let m = Tensor((0..<12).map(Int64.init), shape: [4, 3])
        #expect(try m.slice(axis: 0, start: 1, end: 3).toArray(Int64.self) == [3, 4, 5, 6, 7, 8])
        #expect(try m.slice(axis: 1, start: -2).toArray(Int64.self) == [1, 2, 4, 5, 7, 8, 10, 11])
        #expect(try m.slice(axis: 0, start: 3, end: 1).shape == [0, 3])
        #expect(try m.slice(axis: 0, step: 2).toArray(Int64.self) == [0, 1, 2, 6, 7, 8])
    }
}
