import Foundation

extension Tensor {
    /// Softmax along `axis`: `exp(x - max) / sum(exp(x - max))` (PyTorch's `torch.softmax`).
    ///
    /// Subtracting the lane maximum keeps `exp` from overflowing; sums run in
    /// Float64. Float inputs keep their dtype, integers and bool give float32.
    /// A lane containing NaN or +inf, or consisting only of -inf, gives NaN in
    /// every position, as in PyTorch. A 0-dim tensor gives 1.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func softmax(axis: Int) throws -> Tensor {
        try laneTransform(axis: axis, function: "softmax", kind: .softmax)
    }

    /// Log-softmax along `axis`: `x - max - log(sum(exp(x - max)))`
    /// (PyTorch's `torch.log_softmax`), with the dtypes and edge cases of ``softmax(axis:)``.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func logSoftmax(axis: Int) throws -> Tensor {
        try laneTransform(axis: axis, function: "logSoftmax", kind: .logSoftmax)
    }

    /// `log(sum(exp(x)))` along `axis`, computed as `m + log(sum(exp(x - m)))`
    /// with `m` the lane maximum (PyTorch's `torch.logsumexp`).
    ///
    /// When the maximum is infinite it is not subtracted, so a lane of all
    /// -inf gives -inf and a lane with +inf gives +inf; an empty lane gives
    /// -inf (log 0); NaN gives NaN. Float inputs keep their dtype, integers
    /// and bool give float32.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func logsumexp(axis: Int, keepDim: Bool = false) throws -> Tensor {
        let ax = try checkedAxis(axis, "logsumexp")
        let x = asFloatingPoint()
        let (outer, n, inner) = axisSplit(ax)
        func run<T: FloatElement>(_: T.Type) -> Tensor {
            var out = Tensor(uninitializedShape: reducedShape(ax, keepDim: keepDim), dtype: T.dtype)
            x.withUnsafeBuffer(as: T.self) { src in
                out.withUnsafeMutableBuffer(as: T.self) { dst in
                    let s = src.baseAddress!
                    for lane in 0..<(outer * inner) {
                        let base = s + (lane / inner) * n * inner + lane % inner
                        var m = -Double.infinity
                        var sawNaN = false
                        for k in 0..<n {
                            let v = base[k * inner].doubleValue
                            if v.isNaN { sawNaN = true } else if v > m { m = v }
                        }
                        if sawNaN {
                            dst[lane] = .nan
                            continue
                        }
                        let shift = m.isInfinite ? 0 : m
                        var total = 0.0
                        for k in 0..<n { total += Foundation.exp(base[k * inner].doubleValue - shift) }
                        dst[lane] = T(fromDouble: shift + Foundation.log(total))
                    }
                }
            }
            return out
        }
        return x.dtype == .float64 ? run(Double.self) : run(Float.self)
    }

    private enum LaneTransform { case softmax, logSoftmax }

    private func laneTransform(axis: Int, function: String, kind: LaneTransform) throws -> Tensor {
        let ax = try checkedAxis(axis, function)
        let x = asFloatingPoint()
        let (outer, n, inner) = axisSplit(ax)
        func run<T: FloatElement>(_: T.Type) -> Tensor {
            var out = Tensor(uninitializedShape: shape, dtype: T.dtype)
            x.withUnsafeBuffer(as: T.self) { src in
                out.withUnsafeMutableBuffer(as: T.self) { dst in
                    let s = src.baseAddress!, d = dst.baseAddress!
                    Parallelism.forEachChunk(outer * inner, minimumPerTask: Swift.max(1, Parallelism.minimumElementsPerTask / Swift.max(n, 1))) { _, lanes in
                        for lane in lanes {
                            let offset = (lane / inner) * n * inner + lane % inner
                            let from = s + offset, to = d + offset
                            // A NaN maximum (Swift.max would skip it) turns the whole lane NaN, as in PyTorch.
                            var m = -Double.infinity
                            for k in 0..<n {
                                let v = from[k * inner].doubleValue
                                m = v.isNaN ? v : (v > m ? v : m)
                                if m.isNaN { break }
                            }
                            var total = 0.0
                            for k in 0..<n { total += Foundation.exp(from[k * inner].doubleValue - m) }
                            switch kind {
                            case .softmax:
                                for k in 0..<n { to[k * inner] = T(fromDouble: Foundation.exp(from[k * inner].doubleValue - m) / total) }
                            case .logSoftmax:
                                let logTotal = Foundation.log(total)
                                for k in 0..<n { to[k * inner] = T(fromDouble: from[k * inner].doubleValue - m - logTotal) }
                            }
                        }
                    }
                }
            }
            return out
        }
        return x.dtype == .float64 ? run(Double.self) : run(Float.self)
    }
}
