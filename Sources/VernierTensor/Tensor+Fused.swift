/// Elementwise functions of two operands that fused kernels sum without
/// materialising the intermediate tensor.
public enum PairwiseTerm: String, Sendable {
    /// `(a - b)^2`
    case squaredDifference
    /// `|a - b|`
    case absoluteDifference
    /// `a * b`
    case product

    @inline(__always)
    func apply(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .squaredDifference: let d = a - b; return d * d
        case .absoluteDifference: return Swift.abs(a - b)
        case .product: return a * b
        }
    }
}

extension Tensor {
    /// `Σ term(a, b)` over axis 0 of two tensors of equal shape, in one pass
    /// without temporaries: a 1-D (or scalar) input gives one sum, an `[N, K]`
    /// input `K` column sums (higher ranks are treated as `[N, rest]`).
    /// Accumulates in Float64; large inputs are split across cores and the
    /// chunk sums combined in order.
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)`` when the shapes differ.
    public static func sumOverRows(_ term: PairwiseTerm, _ a: Tensor, _ b: Tensor) throws -> [Double] {
        guard a.shape == b.shape else { throw TensorError.shapeMismatch("shapes \(a.shape) and \(b.shape) differ") }
        let cols = a.rank <= 1 ? 1 : a.shape[1...].reduce(1, *)
        let dt: DType = a.dtype == .float32 && b.dtype == .float32 ? .float32 : .float64
        let x = a.cast(dt), y = b.cast(dt)
        switch dt {
        case .float32: return fusedColumnSums(term, x, y, cols, Float.self)
        default: return fusedColumnSums(term, x, y, cols, Double.self)
        }
    }

    private static func fusedColumnSums<T: FloatElement>(_ term: PairwiseTerm, _ a: Tensor, _ b: Tensor, _ cols: Int, _: T.Type) -> [Double] {
        let n = a.count
        return a.withUnsafeBuffer(as: T.self) { pa in
            b.withUnsafeBuffer(as: T.self) { pb in
                let pa = pa.baseAddress!, pb = pb.baseAddress!
                if cols == 1 {
                    let parts = Parallelism.mapChunks(n, initial: 0.0) { r in
                        switch term {
                        case .squaredDifference: return blockSum(pa, pb, r) { let d = $0 - $1; return d * d }
                        case .absoluteDifference: return blockSum(pa, pb, r) { Swift.abs($0 - $1) }
                        // x·x (a dot product of a tensor with itself) reads and converts each element once.
                        case .product where pa == pb: return blockSum(pa, pa, r) { x, _ in x * x }
                        case .product: return blockSum(pa, pb, r) { $0 * $1 }
                        }
                    }
                    return [parts.reduce(0, +)]
                }
                var sums = [Double](repeating: 0, count: cols)
                let rows = n / Swift.max(cols, 1)
                for r in 0..<rows {
                    let base = r * cols
                    for c in 0..<cols { sums[c] += term.apply(pa[base + c].doubleValue, pb[base + c].doubleValue) }
                }
                return sums
            }
        }
    }

    /// Sums `f(a[i], b[i])` over `range`, formed and accumulated in Float64
    /// with eight independent accumulators per 1024-element block (one chain
    /// of dependent additions would leave the adder waiting on its latency).
    @inline(__always)
    private static func blockSum<T: FloatElement>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ range: Range<Int>, _ f: (Double, Double) -> Double) -> Double {
        var total = 0.0
        var i = range.lowerBound
        while i < range.upperBound {
            let end = Swift.min(range.upperBound, i + 1024)
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
            while i + 8 <= end {
                s0 += f(a[i].doubleValue, b[i].doubleValue)
                s1 += f(a[i + 1].doubleValue, b[i + 1].doubleValue)
                s2 += f(a[i + 2].doubleValue, b[i + 2].doubleValue)
                s3 += f(a[i + 3].doubleValue, b[i + 3].doubleValue)
                s4 += f(a[i + 4].doubleValue, b[i + 4].doubleValue)
                s5 += f(a[i + 5].doubleValue, b[i + 5].doubleValue)
                s6 += f(a[i + 6].doubleValue, b[i + 6].doubleValue)
                s7 += f(a[i + 7].doubleValue, b[i + 7].doubleValue)
                i += 8
            }
            while i < end { s0 += f(a[i].doubleValue, b[i].doubleValue); i += 1 }
            total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        }
        return total
    }
}
