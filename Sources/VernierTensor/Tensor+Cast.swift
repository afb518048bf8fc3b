extension Tensor {
    /// The elements converted to `dtype` (PyTorch's `.to(dtype)`).
    ///
    /// Floating to integer truncates toward zero (NaN gives 0; values beyond
    /// int64 saturate to its bounds, and int32/uint8 then wrap that int64 like
    /// a C cast); anything to bool is `value != 0` (NaN is true); integer to
    /// integer wraps like a C cast. Returns `self` unchanged when the dtype
    /// already matches.
    public func cast(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        switch self.dtype {
        case .float32: return castFrom(Float.self, to: dtype)
        case .float64: return castFrom(Double.self, to: dtype)
        case .int64: return castFrom(Int64.self, to: dtype)
        case .int32: return castFrom(Int32.self, to: dtype)
        case .uint8: return castFrom(UInt8.self, to: dtype)
        case .bool: return castFrom(Bool.self, to: dtype)
        }
    }

    private func castFrom<S: TensorElement>(_: S.Type, to dtype: DType) -> Tensor {
        switch dtype {
        case .float32: return castLoop(S.self, Float.self)
        case .float64: return castLoop(S.self, Double.self)
        case .int64: return castLoop(S.self, Int64.self)
        case .int32: return castLoop(S.self, Int32.self)
        case .uint8: return castLoop(S.self, UInt8.self)
        case .bool: return castLoop(S.self, Bool.self)
        }
    }

    private func castLoop<S: TensorElement, D: TensorElement>(_: S.Type, _: D.Type) -> Tensor {
        var out = Tensor(uninitializedShape: shape, dtype: D.dtype)
        withUnsafeBuffer(as: S.self) { src in
            out.withUnsafeMutableBuffer(as: D.self) { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                Parallelism.forEachChunk(src.count) { _, r in
                    if S.self == Bool.self {
                        let b = UnsafeRawPointer(s).assumingMemoryBound(to: Bool.self)
                        let zero = D(fromInt64: 0), one = D(fromInt64: 1)
                        for i in r { d[i] = b[i] ? one : zero }
                    } else if D.self == Bool.self {
                        // Written as the bytes 0 and 1: stores of Bool values do not vectorise.
                        let b = UnsafeMutableRawPointer(d)
                        for i in r { b.storeBytes(of: s[i] == S.zero ? 0 : 1, toByteOffset: i, as: UInt8.self) }
                    } else if S.dtype.isFloatingPoint {
                        for i in r { d[i] = D(fromDouble: s[i].doubleValue) }
                    } else {
                        for i in r { d[i] = D(fromInt64: s[i].int64Value) }
                    }
                }
            }
        }
        return out
    }

    /// This tensor as float32 unless it already is floating point.
    public func asFloatingPoint() -> Tensor { dtype.isFloatingPoint ? self : cast(.float32) }
}
