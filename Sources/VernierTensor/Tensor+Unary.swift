import Foundation

/// An elementwise unary function.
public enum UnaryOp: String, Sendable, CaseIterable {
    /// Functions named as in PyTorch; floating-point ones follow IEEE/libm
    /// (log of 0 is -inf, of a negative number NaN; NaN stays NaN).
    case abs, neg, sqrt, exp, log, log1p, expm1, log2, log10, sin, cos, tanh, sigmoid
    /// Rounding and sign functions; integers are unchanged by the rounding ones,
    /// `round` rounds half to even, `sign` of NaN is NaN.
    case floor, ceil, round, trunc, sign, reciprocal, square
    /// `log(sigmoid(x))`, computed stably.
    case logsigmoid

    /// Whether the op needs a floating-point input (integers are cast to float32 first).
    public var needsFloat: Bool {
        switch self {
        case .abs, .neg, .sign, .square, .floor, .ceil, .round, .trunc: return false
        default: return true
        }
    }
}

extension Tensor {
    /// Applies `op` to every element. Integer inputs of float-valued ops
    /// (sqrt, exp, log, ...) are cast to float32 first; log of 0 is -inf and
    /// of a negative number NaN (IEEE). `round` rounds half to even like PyTorch.
    public func unary(_ op: UnaryOp) -> Tensor {
        var x = self
        if x.dtype == .bool { x = x.cast(op.needsFloat ? .float32 : .int64) }
        if op.needsFloat { x = x.asFloatingPoint() }
        switch x.dtype {
        case .float32: return x.floatUnary(op, Float.self)
        case .float64: return x.floatUnary(op, Double.self)
        case .int64: return x.intUnary(op, Int64.self)
        case .int32: return x.intUnary(op, Int32.self)
        case .uint8: return x.intUnary(op, UInt8.self)
        case .bool: fatalError("unreachable")
        }
    }

    /// Applies `f` to every element, in parallel chunks for large tensors.
    func mapElements<F: UnaryFunction>(_ f: F) -> Tensor {
        var out = Tensor(uninitializedShape: shape, dtype: F.O.dtype)
        withUnsafeBuffer(as: F.A.self) { src in
            out.withUnsafeMutableBuffer(as: F.O.self) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                Parallelism.forEachChunk(src.count) { _, r in
                    for i in r { d[i] = f(s[i]) }
                }
            }
        }
        return out
    }

    private func floatUnary<T: FloatElement>(_ op: UnaryOp, _: T.Type) -> Tensor {
        func m(_ f: @escaping (Double) -> Double) -> Tensor { mapElements(Elementwise.Math<T>(f: f)) }
        switch op {
        case .abs: return mapElements(Elementwise.Abs<T>())
        case .neg: return mapElements(Elementwise.Negate<T>())
        case .sqrt: return mapElements(Elementwise.SquareRoot<T>())
        case .exp: return m(Foundation.exp)
        case .log: return m(Foundation.log)
        case .log1p: return m(Foundation.log1p)
        case .expm1: return m(Foundation.expm1)
        case .log2: return m(Foundation.log2)
        case .log10: return m(Foundation.log10)
        case .sin: return m(Foundation.sin)
        case .cos: return m(Foundation.cos)
        case .tanh: return m(Foundation.tanh)
        case .sigmoid: return m { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) }
        case .logsigmoid: return m { Swift.min($0, 0) - Foundation.log1p(Foundation.exp(-Swift.abs($0))) }
        case .floor: return mapElements(Elementwise.Round<T>(rule: .down))
        case .ceil: return mapElements(Elementwise.Round<T>(rule: .up))
        case .round: return mapElements(Elementwise.Round<T>(rule: .toNearestOrEven))
        case .trunc: return mapElements(Elementwise.Round<T>(rule: .towardZero))
        case .sign: return mapElements(Elementwise.Sign<T>())
        case .reciprocal: return mapElements(Elementwise.Reciprocal<T>())
        case .square: return mapElements(Elementwise.Square<T>())
        }
    }

    private func intUnary<T: IntegerElement>(_ op: UnaryOp, _: T.Type) -> Tensor {
        switch op {
        case .abs: return mapElements(Elementwise.IntAbs<T>())
        case .neg: return mapElements(Elementwise.IntNegate<T>())
        case .sign: return mapElements(Elementwise.IntSign<T>())
        case .square: return mapElements(Elementwise.IntSquare<T>())
        case .floor, .ceil, .round, .trunc: return self
        default: fatalError("unreachable: \(op) casts integers to float")
        }
    }

    /// Elementwise absolute value (integers wrap: abs(Int64.min) is Int64.min).
    public func abs() -> Tensor { unary(.abs) }
    /// Elementwise square root (integers give float32; negative input gives NaN).
    public func sqrt() -> Tensor { unary(.sqrt) }
    /// Elementwise e^x (integers give float32).
    public func exp() -> Tensor { unary(.exp) }
    /// Elementwise natural logarithm (integers give float32; 0 gives -inf, negative input NaN).
    public func log() -> Tensor { unary(.log) }
    /// Elementwise log(1 + x), accurate near 0 (integers give float32; -1 gives -inf).
    public func log1p() -> Tensor { unary(.log1p) }
    /// Elementwise 1 / (1 + e^-x), computed without overflow for large |x| (integers give float32).
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    /// Elementwise x * x (integers wrap on overflow).
    public func square() -> Tensor { unary(.square) }

    /// Elementwise NaN test (bool); false for every integer dtype.
    public func isnan() -> Tensor {
        switch dtype {
        case .float32: return mapElements(Elementwise.IsNaN<Float>())
        case .float64: return mapElements(Elementwise.IsNaN<Double>())
        default: return .zeros(shape, dtype: .bool)
        }
    }

    /// Elementwise ±infinity test (bool).
    public func isinf() -> Tensor {
        switch dtype {
        case .float32: return mapElements(Elementwise.IsInfinite<Float>())
        case .float64: return mapElements(Elementwise.IsInfinite<Double>())
        default: return .zeros(shape, dtype: .bool)
        }
    }

    /// Elementwise finiteness test (bool): neither NaN nor ±infinity.
    public func isfinite() -> Tensor {
        switch dtype {
        case .float32: return mapElements(Elementwise.IsFinite<Float>())
        case .float64: return mapElements(Elementwise.IsFinite<Double>())
        default: return .ones(shape, dtype: .bool)
        }
    }

    /// Whether any element is NaN.
    public func containsNaN() -> Bool {
        switch dtype {
        case .float32: return withUnsafeBuffer(as: Float.self) { $0.contains { $0.isNaN } }
        case .float64: return withUnsafeBuffer(as: Double.self) { $0.contains { $0.isNaN } }
        default: return false
        }
    }

    /// Elementwise logical not (bool).
    public func logicalNot() -> Tensor { cast(.bool).mapElements(Elementwise.Not()) }

    /// Replaces NaN by `nan`, +inf by `posinf` and -inf by `neginf` (default:
    /// the dtype's largest and smallest finite values), like `torch.nan_to_num`.
    public func nanToNum(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
        switch dtype {
        case .float32:
            return mapElements(Elementwise.NanToNum<Float>(
                nan: Float(nan), posinf: Float(posinf ?? Double(Float.greatestFiniteMagnitude)),
                neginf: Float(neginf ?? -Double(Float.greatestFiniteMagnitude))))
        case .float64:
            return mapElements(Elementwise.NanToNum<Double>(
                nan: nan, posinf: posinf ?? .greatestFiniteMagnitude, neginf: neginf ?? -.greatestFiniteMagnitude))
        default: return self
        }
    }

    /// Limits every element to `[min, max]` (either bound optional; none
    /// returns the tensor unchanged); NaN stays NaN; `min > max` gives `max`
    /// everywhere, like PyTorch. The bounds are weak scalars (``scalarOperand(_:)``): a fractional bound
    /// makes an integer tensor float32, as in PyTorch's type promotion.
    public func clamp(min lo: Double? = nil, max hi: Double? = nil) -> Tensor {
        let bounds = [lo, hi].compactMap { $0 }
        if bounds.isEmpty { return self }
        let dt = bounds.map { scalarOperand($0).dtype }.reduce(dtype) { DType.promoted($0, $1) }
        let x = cast(dt)
        func bound<T: TensorElement>(_ v: Double?, _ fallback: T) -> T { v.map { T(fromDouble: $0) } ?? fallback }
        switch dt {
        case .float32: return x.mapElements(Elementwise.Clamp<Float>(lo: bound(lo, -.infinity), hi: bound(hi, .infinity)))
        case .float64: return x.mapElements(Elementwise.Clamp<Double>(lo: bound(lo, -.infinity), hi: bound(hi, .infinity)))
        case .int64: return x.mapElements(Elementwise.IntClamp<Int64>(lo: bound(lo, .min), hi: bound(hi, .max)))
        case .int32: return x.mapElements(Elementwise.IntClamp<Int32>(lo: bound(lo, .min), hi: bound(hi, .max)))
        case .uint8: return x.mapElements(Elementwise.IntClamp<UInt8>(lo: bound(lo, .min), hi: bound(hi, .max)))
        case .bool:
            // Integral bounds next to bool: PyTorch clamps the values as integers.
            var out = x.cast(.int64)
            if let lo { out = try! Tensor.binary(.maximum, out, out.scalarOperand(lo)) }
            if let hi { out = try! Tensor.binary(.minimum, out, out.scalarOperand(hi)) }
            return out
        }
    }
}
