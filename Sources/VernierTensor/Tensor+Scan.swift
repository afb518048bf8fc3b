extension Tensor {
    /// Running sums along `axis`: `out[i] = x[0] + ... + x[i]` (PyTorch's `torch.cumsum`).
    ///
    /// Floats accumulate in Float64 and keep their dtype; integers and bool
    /// give int64 (wrapping on overflow, like PyTorch). NaN propagates to every
    /// later element. A 0-dim tensor is one element; empty tensors stay empty.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func cumsum(axis: Int) throws -> Tensor {
        try scan(axis: axis, function: "cumsum", product: false)
    }

    /// Running products along `axis`: `out[i] = x[0] * ... * x[i]` (PyTorch's `torch.cumprod`).
    ///
    /// Dtypes as in ``cumsum(axis:)``: floats accumulate in Float64 and keep
    /// their dtype, integers and bool give int64 (wrapping on overflow).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func cumprod(axis: Int) throws -> Tensor {
        try scan(axis: axis, function: "cumprod", product: true)
    }

    private func scan(axis: Int, function: String, product: Bool) throws -> Tensor {
        let ax = try checkedAxis(axis, function)
        let (outer, n, inner) = axisSplit(ax)
        switch dtype {
        case .float32: return scanFloat(Float.self, outer, n, inner, product)
        case .float64: return scanFloat(Double.self, outer, n, inner, product)
        default: return cast(.int64).scanInt(outer, n, inner, product)
        }
    }

    private func scanFloat<T: FloatElement>(_: T.Type, _ outer: Int, _ n: Int, _ inner: Int, _ product: Bool) -> Tensor {
        var out = Tensor(uninitializedShape: shape, dtype: T.dtype)
        withUnsafeBuffer(as: T.self) { src in
            out.withUnsafeMutableBuffer(as: T.self) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                let acc = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(inner, 1))
                defer { acc.deallocate() }
                for o in 0..<outer {
                    let base = o * n * inner
                    if inner == 1 {
                        var total = product ? 1.0 : 0.0
                        if product {
                            for k in 0..<n { total *= s[base + k].doubleValue; d[base + k] = T(fromDouble: total) }
                        } else {
                            for k in 0..<n { total += s[base + k].doubleValue; d[base + k] = T(fromDouble: total) }
                        }
                        continue
                    }
                    acc.initialize(repeating: product ? 1 : 0, count: inner)
                    for k in 0..<n {
                        let row = base + k * inner
                        if product {
                            for j in 0..<inner { acc[j] *= s[row + j].doubleValue; d[row + j] = T(fromDouble: acc[j]) }
                        } else {
                            for j in 0..<inner { acc[j] += s[row + j].doubleValue; d[row + j] = T(fromDouble: acc[j]) }
                        }
                    }
                }
            }
        }
        return out
    }

    private func scanInt(_ outer: Int, _ n: Int, _ inner: Int, _ product: Bool) -> Tensor {
        var out = Tensor(uninitializedShape: shape, dtype: .int64)
        withUnsafeBuffer(as: Int64.self) { src in
            out.withUnsafeMutableBuffer(as: Int64.self) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                for o in 0..<outer {
                    let base = o * n * inner
                    for k in 0..<n {
                        let row = base + k * inner
                        for j in 0..<inner {
                            let x = s[row + j]
                            if k == 0 {
                                d[row + j] = x
                            } else {
                                d[row + j] = product ? d[row - inner + j] &* x : d[row - inner + j] &+ x
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// First differences along `axis`: `out[i] = x[i + 1] - x[i]` (PyTorch's
    /// `torch.diff` with `n = 1`).
    ///
    /// The result has one element fewer along `axis` (none when the axis has
    /// size 0 or 1) and keeps the dtype: integers wrap on overflow, bool gives
    /// `x[i + 1] != x[i]` (PyTorch's logical xor), floats follow IEEE (inf - inf is NaN).
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a 0-dim tensor,
    ///   ``TensorError/outOfRange(_:)`` for a bad axis.
    public func diff(axis: Int = -1) throws -> Tensor {
        guard rank > 0 else { throw TensorError.invalidArgument("diff: expected a tensor with at least 1 dimension, got a 0-dim tensor") }
        let ax = try checkedAxis(axis, "diff")
        switch dtype {
        case .float32: return diffTyped(Float.self, ax) { $0 - $1 }
        case .float64: return diffTyped(Double.self, ax) { $0 - $1 }
        case .int64: return diffTyped(Int64.self, ax) { $0 &- $1 }
        case .int32: return diffTyped(Int32.self, ax) { $0 &- $1 }
        case .uint8: return diffTyped(UInt8.self, ax) { $0 &- $1 }
        case .bool: return diffTyped(Bool.self, ax) { $0 != $1 }
        }
    }

    private func diffTyped<T: TensorElement>(_: T.Type, _ ax: Int, _ minus: (T, T) -> T) -> Tensor {
        let (outer, n, inner) = axisSplit(ax)
        let m = Swift.max(0, n - 1)
        var outShape = shape
        outShape[ax] = m
        var out = Tensor(uninitializedShape: outShape, dtype: T.dtype)
        withUnsafeBuffer(as: T.self) { src in
            out.withUnsafeMutableBuffer(as: T.self) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                for o in 0..<outer {
                    let from = s + o * n * inner, to = d + o * m * inner
                    for i in 0..<(m * inner) { to[i] = minus(from[i + inner], from[i]) }
                }
            }
        }
        return out
    }
}
