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
        let n = count
        withUnsafeBuffer(as: S.self) { src in
            out.withUnsafeMutableBuffer(as: D.self) { dst in
                if S.dtype.isFloatingPoint {
                    for i in 0..<n { dst[i] = D(fromDouble: src[i].doubleValue) }
                } else {
                    for i in 0..<n { dst[i] = D(fromInt64: src[i].int64Value) }
                }
            }
        }
        return out
    }

    /// This tensor as float32 unless it already is floating point.
    public func asFloatingPoint() -> Tensor { dtype.isFloatingPoint ? self : cast(.float32) }
}
