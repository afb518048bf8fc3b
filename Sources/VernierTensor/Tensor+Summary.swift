extension Tensor {
    /// The smallest and largest non-NaN elements and whether any element is
    /// NaN, in one pass (split across cores for large inputs). For an empty or
    /// all-NaN tensor `min` is +inf and `max` is -inf.
    public func valueRange() -> (min: Double, max: Double, hasNaN: Bool) {
        func run<T: TensorElement>(_: T.Type) -> (Double, Double, Bool) {
            withUnsafeBuffer(as: T.self) { p in
                let parts = Parallelism.mapChunks(p.count, initial: (Double.infinity, -Double.infinity, false)) { r in
                    var lo = Double.infinity, hi = -Double.infinity, nan = false
                    for i in r {
                        let v = p[i].doubleValue
                        if v.isNaN { nan = true } else {
                            lo = Swift.min(lo, v)
                            hi = Swift.max(hi, v)
                        }
                    }
                    return (lo, hi, nan)
                }
                return parts.reduce((Double.infinity, -Double.infinity, false)) { (Swift.min($0.0, $1.0), Swift.max($0.1, $1.1), $0.2 || $1.2) }
            }
        }
        switch dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        case .int64: return run(Int64.self)
        case .int32: return run(Int32.self)
        case .uint8: return run(UInt8.self)
        case .bool: return run(Bool.self)
        }
    }

    /// Whether every element is a whole number (always true for integer and
    /// bool dtypes; NaN and infinities are not whole).
    public func isIntegral() -> Bool {
        switch dtype {
        case .float32: return withUnsafeBuffer(as: Float.self) { $0.allSatisfy { $0.rounded() == $0 } }
        case .float64: return withUnsafeBuffer(as: Double.self) { $0.allSatisfy { $0.rounded() == $0 } }
        default: return true
        }
    }
}
