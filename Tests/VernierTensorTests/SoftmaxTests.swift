import Testing
@testable import VernierTensor

@Suite struct SoftmaxTests {
    // e^1, e^2, e^3 = 2.718281828, 7.389056099, 20.08553692; their sum is 30.19287485.
    let expected = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219]
    // logsumexp(1, 2, 3) = 3 + log(e^-2 + e^-1 + 1) = 3.4076059644443806.
    let lse = 3.4076059644443806

    @Test func softmaxAndLogSoftmax() throws {
        let x = Tensor([1.0, 2, 3])
        #expect(close(try x.softmax(axis: 0).toDoubles(), expected, tolerance: 1e-12))
        #expect(close(try x.logSoftmax(axis: -1).toDoubles(), [1 - lse, 2 - lse, 3 - lse], tolerance: 1e-12))
        #expect(close(try x.logsumexp(axis: 0).toDoubles(), [lse], tolerance: 1e-12))
        let f = try Tensor([Float(1), 2, 3]).softmax(axis: 0)
        #expect(f.dtype == .float32 && close(f.toDoubles(), expected))
        let ints = try Tensor([Int64(1), 2, 3]).softmax(axis: 0)
        #expect(ints.dtype == .float32 && close(ints.toDoubles(), expected))
    }

    @Test func alongEitherAxisOfAMatrix() throws {
        // Columns [1, 3] and [2, 2]: softmax of (1, 3) is (1, e^2) / (1 + e^2).
        let m = Tensor([1.0, 2, 3, 2], shape: [2, 2])
        let a = 1 / (1 + 2.718281828459045 * 2.718281828459045)
        #expect(close(try m.softmax(axis: 0).toDoubles(), [a, 0.5, 1 - a, 0.5], tolerance: 1e-12))
        let rows = try m.softmax(axis: 1).toDoubles()
        let b = 1 / (1 + 2.718281828459045)
        #expect(close(rows, [b, 1 - b, 1 - b, b], tolerance: 1e-12))
        let lse = try m.logsumexp(axis: 0, keepDim: true)
        #expect(lse.shape == [1, 2])
        // Column [1, 3]: 3 + log(1 + e^-2); column [2, 2]: 2 + log 2.
        #expect(close(lse.toDoubles(), [3.1269280110429727, 2.6931471805599454], tolerance: 1e-12))
    }

    @Test func largeValuesDoNotOverflow() throws {
        #expect(try Tensor([1000.0, 1000]).softmax(axis: 0).toArray(Double.self) == [0.5, 0.5])
        #expect(close(try Tensor([Float(1000), 1000]).logsumexp(axis: 0).toDoubles(), [1000.6931471805599]))
        #expect(try Tensor([-Double.infinity, 0]).softmax(axis: 0).toArray(Double.self) == [0, 1])
    }

    @Test func specialLanes() throws {
        let allNegInf = try Tensor([-Double.infinity, -.infinity]).softmax(axis: 0).toArray(Double.self)
        #expect(allNegInf[0].isNaN && allNegInf[1].isNaN)
        let posInf = try Tensor([Double.infinity, 1]).softmax(axis: 0).toArray(Double.self)
        #expect(posInf[0].isNaN && posInf[1].isNaN)
        let nan = try Tensor([Float.nan, 1]).logSoftmax(axis: 0).toArray(Float.self)
        #expect(nan[0].isNaN && nan[1].isNaN)
        #expect(try Tensor([-Double.infinity, -.infinity]).logsumexp(axis: 0).item() == -.infinity)
        #expect(try Tensor([Double.infinity, 1]).logsumexp(axis: 0).item() == .infinity)
        #expect(try Tensor([Double.nan, 1]).logsumexp(axis: 0).item().isNaN)
        #expect(try Tensor.zeros([2, 0]).logsumexp(axis: 1).toArray(Float.self) == [-.infinity, -.infinity])
        #expect(try Tensor.zeros([2, 0]).softmax(axis: 1).shape == [2, 0])
        #expect(try Tensor.scalar(7).softmax(axis: 0).item() == 1)
        expectTensorError(containing: "softmax: axis 1 is out of range") { try Tensor([1.0]).softmax(axis: 1) }
        expectTensorError(containing: "logsumexp: axis -2 is out of range") { try Tensor([1.0]).logsumexp(axis: -2) }
    }
}

@Suite struct MatmulTests {
    @Test func shapes() throws {
        let a = Tensor([Float(1), 2, 3, 4], shape: [2, 2]), b = Tensor([Float(5), 6, 7, 8], shape: [2, 2])
        let ab = try a.matmul(b)
        #expect(ab.shape == [2, 2] && ab.toArray(Float.self) == [19, 22, 43, 50])
        let mv = try Tensor([1.0, 2, 3], shape: [1, 3]).matmul(Tensor([1.0, 0, -1]))
        #expect(mv.shape == [1] && mv.toArray(Double.self) == [-2])
        let vm = try Tensor([1.0, 2]).matmul(Tensor([1.0, 2, 3, 4], shape: [2, 2]))
        #expect(vm.shape == [2] && vm.toArray(Double.self) == [7, 10])
        let dot = try Tensor([1.0, 2, 3]).matmul(Tensor([4.0, 5, 6]))
        #expect(dot.shape == [] && dot.item() == 32)
        let empty = try Tensor.zeros([2, 0]).matmul(.zeros([0, 3]))
        #expect(empty.shape == [2, 3] && empty.toArray(Float.self) == [0, 0, 0, 0, 0, 0])
    }

    @Test func dtypesAndAccumulation() throws {
        let ints = try Tensor([Int32(1), 2, 3, 4], shape: [2, 2]).matmul(Tensor([Int32(1), -1], shape: [2, 1]))
        #expect(ints.dtype == .int32 && ints.toArray(Int32.self) == [-1, -1])
        #expect(try Tensor([Float(1)], shape: [1, 1]).matmul(Tensor([2.0], shape: [1, 1])).dtype == .float64)
        #expect(try Tensor([UInt8(3)]).matmul(Tensor([Int64(4)])).toArray(Int64.self) == [12])
        // Float64 accumulation: in float32, 1e8 + 1 - 1e8 would give 0.
        #expect(try Tensor([Float(1e8), 1, -1e8]).matmul(Tensor([Float(1), 1, 1])).item() == 1)
    }

    @Test func errors() {
        expectTensorError(containing: "matmul: shapes [2, 3] and [2, 3] cannot be multiplied (3 != 2)") { try Tensor.zeros([2, 3]).matmul(.zeros([2, 3])) }
        expectTensorError(containing: "matmul: expected 1-D or 2-D operands") { try Tensor.zeros([1, 1, 1]).matmul(.zeros([1])) }
        expectTensorError(containing: "matmul: expected 1-D or 2-D operands") { try Tensor.scalar(1).matmul(.zeros([1])) }
        expectTensorError(containing: "matmul: bool operands are not supported") { try Tensor([true]).matmul(Tensor([true])) }
    }
}
