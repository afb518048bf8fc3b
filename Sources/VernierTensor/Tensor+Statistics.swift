extension Tensor {
    /// The number of elements that are not zero (NaN counts, `-0.0` does not),
    /// like PyTorch's `torch.count_nonzero`. 0 for an empty tensor.
    public func countNonzero() -> Int {
        switch dtype {
        case .float32: return Tensor.countNonzero(self, Float.self)
        case .float64: return Tensor.countNonzero(self, Double.self)
        case .int64: return Tensor.countNonzero(self, Int64.self)
        case .int32: return Tensor.countNonzero(self, Int32.self)
        case .uint8: return Tensor.countNonzero(self, UInt8.self)
        case .bool: return byteSum()
        }
    }

    private static func countNonzero<T: NumericElement>(_ t: Tensor, _: T.Type) -> Int {
        t.withUnsafeBuffer(as: T.self) { buf in
            let p = buf.baseAddress!
            return Parallelism.mapChunks(buf.count, initial: 0) { r in
                var c = 0
                for i in r { c &+= p[i] == 0 ? 0 : 1 }
                return c
            }.reduce(0, +)
        }
    }

    /// The number of non-zero elements along `axis`, as int64 (PyTorch's
    /// `torch.count_nonzero(dim=)`). NaN counts as non-zero.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func countNonzero(axis: Int, keepDim: Bool = false) throws -> Tensor {
        _ = try checkedAxis(axis, "countNonzero")
        return try cast(.bool).reduce(.sum, axis: axis, keepDim: keepDim)
    }

    /// Whether any element is non-zero (NaN counts as true); false when empty
    /// (PyTorch's `torch.any`).
    public func any() -> Bool { firstIndex(zero: false) != nil }

    /// Whether every element is non-zero (NaN counts as true); true when empty
    /// (PyTorch's `torch.all`).
    public func all() -> Bool { firstIndex(zero: true) == nil }

    /// The index of the first element that is zero (or, with `zero` false,
    /// non-zero), scanning blocks of 4096 elements with a branch-free test
    /// each so that the search stops early without a branch per element.
    private func firstIndex(zero: Bool) -> Int? {
        func run<T: TensorElement>(_: T.Type, _ isZero: (T) -> Bool) -> Int? {
            withUnsafeBuffer(as: T.self) { buf in
                let p = buf.baseAddress!, n = buf.count
                var start = 0
                while start < n {
                    let end = Swift.min(n, start + 4096)
                    var hits = 0
                    for i in start..<end { hits &+= isZero(p[i]) == zero ? 1 : 0 }
                    if hits > 0 { return (start..<end).first { isZero(p[$0]) == zero } }
                    start = end
                }
                return nil
            }
        }
        switch dtype {
        case .float32: return run(Float.self) { $0 == 0 }
        case .float64: return run(Double.self) { $0 == 0 }
        case .int64: return run(Int64.self) { $0 == 0 }
        case .int32: return run(Int32.self) { $0 == 0 }
        case .uint8: return run(UInt8.self) { $0 == 0 }
        case .bool: return run(Bool.self) { !$0 }
        }
    }

    /// Whether any element along `axis` is non-zero, as bool (false for an
    /// empty axis).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func any(axis: Int, keepDim: Bool = false) throws -> Tensor {
        _ = try checkedAxis(axis, "any")
        return try cast(.bool).reduce(.max, axisOrEmpty: axis, keepDim: keepDim, empty: 0)
    }

    /// Whether every element along `axis` is non-zero, as bool (true for an
    /// empty axis).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func all(axis: Int, keepDim: Bool = false) throws -> Tensor {
        _ = try checkedAxis(axis, "all")
        return try cast(.bool).reduce(.min, axisOrEmpty: axis, keepDim: keepDim, empty: 1)
    }

    /// `reduce(op, axis:)` that fills the result with `empty` when the axis has
    /// size 0 instead of raising (min/max raise on empty axes).
    private func reduce(_ op: ReduceOp, axisOrEmpty axis: Int, keepDim: Bool, empty: Double) throws -> Tensor {
        let ax = try normalizedAxis(axis)
        if rank > 0 && shape[ax] == 0 {
            return Tensor.full(reducedShape(ax, keepDim: keepDim), empty, dtype: dtype)
        }
        return try reduce(op, axis: ax, keepDim: keepDim)
    }

    /// The variance along `axis`, or over every element when `axis` is nil
    /// (PyTorch's `torch.var(dim, correction=)`):
    /// `sum((x - mean)^2) / max(0, N - correction)`.
    ///
    /// Computed in two passes in Float64; float inputs keep their dtype,
    /// integers and bool give float32. `correction: 1` is Bessel's unbiased
    /// estimate, `0` the population variance. When `N <= correction` the
    /// divisor is 0, giving NaN (or inf), as in PyTorch; an empty input gives
    /// NaN; NaN elements give NaN.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis,
    ///   ``TensorError/invalidArgument(_:)`` for a negative correction.
    public func variance(axis: Int? = nil, correction: Int = 1, keepDim: Bool = false) throws -> Tensor {
        try moment(axis: axis, correction: correction, keepDim: keepDim, root: false, function: "variance")
    }

    /// The standard deviation: the square root of ``variance(axis:correction:keepDim:)``,
    /// with the same dtypes and edge cases (PyTorch's `torch.std`).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis,
    ///   ``TensorError/invalidArgument(_:)`` for a negative correction.
    public func std(axis: Int? = nil, correction: Int = 1, keepDim: Bool = false) throws -> Tensor {
        try moment(axis: axis, correction: correction, keepDim: keepDim, root: true, function: "std")
    }

    private func moment(axis: Int?, correction: Int, keepDim: Bool, root: Bool, function: String) throws -> Tensor {
        guard correction >= 0 else {
            throw TensorError.invalidArgument("\(function): correction must be non-negative, got \(correction)")
        }
        let x = asFloatingPoint()
        let ax = try axis.map { try checkedAxis($0, function) }
        let (outer, n, inner) = ax.map { axisSplit($0) } ?? (1, count, 1)
        let outShape = ax.map { reducedShape($0, keepDim: keepDim) } ?? (keepDim ? [Int](repeating: 1, count: rank) : [])
        let divisor = Double(Swift.max(0, n - correction))
        func run<T: FloatElement>(_: T.Type) -> Tensor {
            var out = Tensor(uninitializedShape: outShape, dtype: T.dtype)
            x.withUnsafeBuffer(as: T.self) { src in
                out.withUnsafeMutableBuffer(as: T.self) { dst in
                    let s = src.baseAddress!
                    for o in 0..<outer {
                        for j in 0..<inner {
                            let base = s + o * n * inner + j
                            var sum = 0.0
                            for k in 0..<n { sum += base[k * inner].doubleValue }
                            let mean = sum / Double(n)
                            var squares = 0.0
                            for k in 0..<n {
                                let d = base[k * inner].doubleValue - mean
                                squares += d * d
                            }
                            let v = n == 0 ? Double.nan : squares / divisor
                            dst[o * inner + j] = T(fromDouble: root ? v.squareRoot() : v)
                        }
                    }
                }
            }
            return out
        }
        return x.dtype == .float64 ? run(Double.self) : run(Float.self)
    }
}
