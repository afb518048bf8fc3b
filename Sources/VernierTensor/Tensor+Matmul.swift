extension Tensor {
    /// The matrix product (PyTorch's `torch.matmul` for 1-D and 2-D operands):
    /// `[m, k] x [k, n] -> [m, n]`, `[m, k] x [k] -> [m]`, `[k] x [k, n] -> [n]`,
    /// and `[k] x [k] -> []` (the dot product).
    ///
    /// The operands are promoted to a common dtype. Floats accumulate in
    /// Float64 and keep the promoted dtype; integers accumulate in int64
    /// (wrapping) and keep the promoted integer dtype. `k == 0` gives zeros.
    /// NaN and inf follow IEEE arithmetic.
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)`` for operands that are not
    ///   1-D or 2-D or whose inner sizes differ, ``TensorError/dtypeMismatch(_:)``
    ///   for bool operands.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard (1...2).contains(rank) && (1...2).contains(other.rank) else {
            throw TensorError.shapeMismatch("matmul: expected 1-D or 2-D operands, got shapes \(shape) and \(other.shape)")
        }
        guard dtype != .bool && other.dtype != .bool else {
            throw TensorError.dtypeMismatch("matmul: bool operands are not supported, got \(dtype) and \(other.dtype)")
        }
        let (m, k) = rank == 2 ? (shape[0], shape[1]) : (1, shape[0])
        let (k2, n) = other.rank == 2 ? (other.shape[0], other.shape[1]) : (other.shape[0], 1)
        guard k == k2 else {
            throw TensorError.shapeMismatch("matmul: shapes \(shape) and \(other.shape) cannot be multiplied (\(k) != \(k2))")
        }
        var outShape: [Int] = []
        if rank == 2 { outShape.append(m) }
        if other.rank == 2 { outShape.append(n) }
        let dt = DType.promoted(dtype, other.dtype)
        let a = cast(dt), b = other.cast(dt)
        if rank == 1 && other.rank == 1 && dt.isFloatingPoint {
            // The dot product: the fused, parallel sum of products.
            return .scalar(try Tensor.sumOverRows(.product, a, b)[0], dtype: dt)
        }
        switch dt {
        case .float32: return Tensor.matmulFloat(a, b, Float.self, m, k, n, outShape)
        case .float64: return Tensor.matmulFloat(a, b, Double.self, m, k, n, outShape)
        default: return Tensor.matmulInt(a.cast(.int64), b.cast(.int64), m, k, n, outShape).cast(dt)
        }
    }

    private static func matmulFloat<T: FloatElement>(_ a: Tensor, _ b: Tensor, _: T.Type, _ m: Int, _ k: Int, _ n: Int, _ outShape: [Int]) -> Tensor {
        var out = Tensor(uninitializedShape: outShape, dtype: T.dtype)
        a.withUnsafeBuffer(as: T.self) { pa in
            b.withUnsafeBuffer(as: T.self) { pb in
                out.withUnsafeMutableBuffer(as: T.self) { po in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, po = po.baseAddress!
                    // i-p-j order: the inner loop streams a row of B into a Float64 row accumulator.
                    Parallelism.forEachChunk(m, minimumPerTask: Swift.max(1, Parallelism.minimumElementsPerTask / Swift.max(1, k * n))) { _, rows in
                        let acc = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(n, 1))
                        defer { acc.deallocate() }
                        for i in rows {
                            acc.initialize(repeating: 0, count: n)
                            for p in 0..<k {
                                let x = pa[i * k + p].doubleValue
                                let row = pb + p * n
                                for j in 0..<n { acc[j] += x * row[j].doubleValue }
                            }
                            for j in 0..<n { po[i * n + j] = T(fromDouble: acc[j]) }
                        }
                    }
                }
            }
        }
        return out
    }

    private static func matmulInt(_ a: Tensor, _ b: Tensor, _ m: Int, _ k: Int, _ n: Int, _ outShape: [Int]) -> Tensor {
        var out = Tensor.zeros(outShape, dtype: .int64)
        a.withUnsafeBuffer(as: Int64.self) { pa in
            b.withUnsafeBuffer(as: Int64.self) { pb in
                out.withUnsafeMutableBuffer(as: Int64.self) { po in
                    for i in 0..<m {
                        for p in 0..<k {
                            let x = pa[i * k + p]
                            for j in 0..<n { po[i * n + j] = po[i * n + j] &+ x &* pb[p * n + j] }
                        }
                    }
                }
            }
        }
        return out
    }
}
