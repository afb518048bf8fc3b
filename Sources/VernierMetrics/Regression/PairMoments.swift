import VernierCore
import VernierTensor

/// Count, means, centred second moments, co-moment and ranges of two
/// variables `x` and `y` over some rows: the mergeable summary behind the
/// correlation, variance and R² metrics.
///
/// `m2X = Σ (x - meanX)²`, `m2Y = Σ (y - meanY)²`, `cXY = Σ (x - meanX)(y - meanY)`.
/// Batches are summarised with two passes (means first, then centred sums)
/// and summaries are combined with the pairwise update of Chan, Golub and
/// LeVeque, so no digits are lost to cancellation however far the data
/// sit from zero (a naive `Σx² - n·mean²` loses them all around 1e6 in float32).
/// An empty summary has `n = 0` and infinite ranges; NaN data make the
/// moments NaN (the ranges skip NaN).
struct PairMoments: Equatable {
    var n = 0.0
    var meanX = 0.0, meanY = 0.0
    var m2X = 0.0, m2Y = 0.0, cXY = 0.0
    var minX = Double.infinity, maxX = -Double.infinity
    var minY = Double.infinity, maxY = -Double.infinity

    /// Values per summary in the packed state tensor.
    static let width = 10

    /// Folds `o` in as if its rows came after these (exact up to rounding).
    mutating func merge(_ o: PairMoments) {
        guard o.n > 0 else { return }
        guard n > 0 else { self = o; return }
        let total = n + o.n
        let dx = o.meanX - meanX, dy = o.meanY - meanY
        let weight = n * o.n / total
        meanX += dx * o.n / total
        meanY += dy * o.n / total
        m2X += o.m2X + dx * dx * weight
        m2Y += o.m2Y + dy * dy * weight
        cXY += o.cXY + dx * dy * weight
        minX = Swift.min(minX, o.minX); maxX = Swift.max(maxX, o.maxX)
        minY = Swift.min(minY, o.minY); maxY = Swift.max(maxY, o.maxY)
        n = total
    }

    /// The largest distance of an `x` (or `y`) from its mean, exact from the ranges.
    var maxDeviationX: Double { Swift.max(maxX - meanX, meanX - minX) }
    var maxDeviationY: Double { Swift.max(maxY - meanY, meanY - minY) }

    /// Whether every `x` (or `y`) is the same value: the variance is exactly 0
    /// even where rounding leaves a tiny `m2`.
    var isConstantX: Bool { minX == maxX && !m2X.isNaN }
    var isConstantY: Bool { minY == maxY && !m2Y.isNaN }

    // MARK: Packed state

    /// Summaries as a float64 `[count, width]` tensor.
    static func pack(_ items: [PairMoments]) -> Tensor {
        var v: [Double] = []
        v.reserveCapacity(items.count * width)
        for m in items { v += [m.n, m.meanX, m.meanY, m.m2X, m.m2Y, m.cXY, m.minX, m.maxX, m.minY, m.maxY] }
        return Tensor(v, shape: [items.count, width])
    }

    /// The summaries of a packed `[..., width]` tensor, in order.
    static func unpack(_ t: Tensor) -> [PairMoments] {
        let v = t.cast(.float64).toArray(Double.self)
        return stride(from: 0, to: v.count, by: width).map { i in
            PairMoments(n: v[i], meanX: v[i + 1], meanY: v[i + 2], m2X: v[i + 3], m2Y: v[i + 4], cXY: v[i + 5],
                        minX: v[i + 6], maxX: v[i + 7], minY: v[i + 8], maxY: v[i + 9])
        }
    }

    /// Column-wise merge of two packed states (`b` after `a`).
    static func merged(_ a: Tensor, _ b: Tensor) -> Tensor {
        var x = unpack(a)
        for (i, m) in unpack(b).enumerated() { x[i].merge(m) }
        return pack(x)
    }

    /// Merges packed states in rank order with the pairwise update, so merged
    /// instances (and synced ranks) give what one instance fed everything gives.
    static let reduction = CustomReduction(name: "pair_moments") { tensors in
        guard var acc = tensors.first else { throw TensorError.invalidArgument("pair_moments: nothing to merge") }
        for t in tensors.dropFirst() {
            guard t.shape == acc.shape else { throw TensorError.shapeMismatch("pair_moments: shapes \(acc.shape) and \(t.shape) differ") }
            acc = merged(acc, t)
        }
        return acc
    }

    /// The state declaration of `columns` summaries (`[columns, width]`,
    /// merged by ``reduction``).
    static func stateSpec(_ name: String, columns: Int) -> StateSpec {
        StateSpec(name, pack([PairMoments](repeating: PairMoments(), count: columns)), .custom(reduction))
    }

    // MARK: Kernel

    /// The summary of each column of `[rows, columns]` data `x`, `y` (equal
    /// counts; read as float32 when both are float32, float64 otherwise).
    /// Rows are split into chunks across cores; each chunk is summarised
    /// with two passes while it is in cache, and chunks are merged in order.
    static func columns(_ x: Tensor, _ y: Tensor, columns: Int) -> [PairMoments] {
        precondition(x.count == y.count && columns > 0 && x.count % columns == 0, "PairMoments: mismatched inputs")
        let dt: DType = x.dtype == .float32 && y.dtype == .float32 ? .float32 : .float64
        let a = x.cast(dt), b = y.cast(dt)
        switch dt {
        case .float32: return summarize(a, b, columns, Float.self)
        default: return summarize(a, b, columns, Double.self)
        }
    }

    private static func summarize<T: FloatElement>(_ x: Tensor, _ y: Tensor, _ cols: Int, _: T.Type) -> [PairMoments] {
        let rows = x.count / cols
        return x.withUnsafeBuffer(as: T.self) { px in
            y.withUnsafeBuffer(as: T.self) { py in
                guard let px = px.baseAddress, let py = py.baseAddress else { return [PairMoments](repeating: PairMoments(), count: cols) }
                let minRows = Swift.max(1, Parallelism.minimumElementsPerTask / cols)
                let parts = Parallelism.mapChunks(rows, minimumPerTask: minRows, initial: [PairMoments]()) { r in
                    (0..<cols).map { c in
                        cols == 1 ? contiguous(px + r.lowerBound, py + r.lowerBound, r.count) : strided(px, py, r, c, cols)
                    }
                }
                var out = [PairMoments](repeating: PairMoments(), count: cols)
                for p in parts { for c in 0..<cols { out[c].merge(p[c]) } }
                return out
            }
        }
    }

    /// Two-pass summary of `n` contiguous pairs, in blocks of 64K rows
    /// (merged pairwise) so that the second pass reads from cache.
    private static func contiguous<T: FloatElement>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ n: Int) -> PairMoments {
        var out = PairMoments()
        var start = 0
        while start < n {
            let count = Swift.min(n - start, 1 << 16)
            out.merge(block(x + start, y + start, count))
            start += count
        }
        return out
    }

    /// Two-pass summary of `n` contiguous pairs, eight float64 lanes at a
    /// time (the lanes are combined at the end of each pass).
    @inline(__always)
    private static func block<T: FloatElement>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ n: Int) -> PairMoments {
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        let scalarX = { (i: Int) in x[i].doubleValue }, scalarY = { (i: Int) in y[i].doubleValue }
        // Concrete SIMD8 lanes only: generic SIMD code is not specialised into vector instructions.
        if T.self == Float.self {
            let loadX = { (i: Int) in rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) }
            let loadY = { (i: Int) in ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) }
            // Ranges in float32 lanes: half the compare/blend work of float64 lanes.
            var lo = (SIMD8<Float>(repeating: .infinity), SIMD8<Float>(repeating: .infinity))
            var hi = (SIMD8<Float>(repeating: -.infinity), SIMD8<Float>(repeating: -.infinity))
            var sx = SIMD8<Double>(), sy = SIMD8<Double>()
            var i = 0
            while i + 8 <= n {
                let a = loadX(i), b = loadY(i)
                sx += SIMD8<Double>(a); sy += SIMD8<Double>(b)
                // Blends, not pointwiseMin/Max (not inlined); NaN lanes never replace.
                lo.0.replace(with: a, where: a .< lo.0); hi.0.replace(with: a, where: a .> hi.0)
                lo.1.replace(with: b, where: b .< lo.1); hi.1.replace(with: b, where: b .> hi.1)
                i += 8
            }
            let first = FirstPass(sumX: sx.sum(), sumY: sy.sum(), minX: Double(lo.0.min()), maxX: Double(hi.0.max()),
                                  minY: Double(lo.1.min()), maxY: Double(hi.1.max()))
            return secondPass(n, first.withTail(n, scalarX, scalarY), { SIMD8<Double>(loadX($0)) }, { SIMD8<Double>(loadY($0)) }, scalarX, scalarY)
        }
        let loadX = { (i: Int) in rx.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) }
        let loadY = { (i: Int) in ry.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) }
        var lox = SIMD8<Double>(repeating: .infinity), hix = SIMD8<Double>(repeating: -.infinity)
        var loy = lox, hiy = hix
        var sx = SIMD8<Double>(), sy = SIMD8<Double>()
        var i = 0
        while i + 8 <= n {
            let a = loadX(i), b = loadY(i)
            sx += a; sy += b
            lox.replace(with: a, where: a .< lox); hix.replace(with: a, where: a .> hix)
            loy.replace(with: b, where: b .< loy); hiy.replace(with: b, where: b .> hiy)
            i += 8
        }
        let first = FirstPass(sumX: sx.sum(), sumY: sy.sum(), minX: lox.min(), maxX: hix.max(), minY: loy.min(), maxY: hiy.max())
        return secondPass(n, first.withTail(n, scalarX, scalarY), loadX, loadY, scalarX, scalarY)
    }

    /// Sums and ranges of a block's first pass.
    private struct FirstPass {
        var sumX, sumY, minX, maxX, minY, maxY: Double

        /// Adds the elements after the last full group of eight.
        @inline(__always)
        func withTail(_ n: Int, _ x: (Int) -> Double, _ y: (Int) -> Double) -> FirstPass {
            var out = self
            for j in (n & ~7)..<n {
                let a = x(j), b = y(j)
                out.sumX += a; out.sumY += b
                if a < out.minX { out.minX = a }
                if a > out.maxX { out.maxX = a }
                if b < out.minY { out.minY = b }
                if b > out.maxY { out.maxY = b }
            }
            return out
        }
    }

    /// The centred sums of a block around the means of its first pass.
    @inline(__always)
    private static func secondPass(_ n: Int, _ first: FirstPass, _ loadX: (Int) -> SIMD8<Double>, _ loadY: (Int) -> SIMD8<Double>,
                                   _ x: (Int) -> Double, _ y: (Int) -> Double) -> PairMoments {
        let mx = first.sumX / Double(n), my = first.sumY / Double(n)
        let vmx = SIMD8<Double>(repeating: mx), vmy = SIMD8<Double>(repeating: my)
        var xx = SIMD8<Double>(), yy = SIMD8<Double>(), xy = SIMD8<Double>()
        var i = 0
        while i + 8 <= n {
            let a = loadX(i) - vmx, b = loadY(i) - vmy
            xx += a * a; yy += b * b; xy += a * b
            i += 8
        }
        var sxx = xx.sum(), syy = yy.sum(), sxy = xy.sum()
        for j in i..<n {
            let a = x(j) - mx, b = y(j) - my
            sxx += a * a; syy += b * b; sxy += a * b
        }
        return PairMoments(n: Double(n), meanX: mx, meanY: my, m2X: sxx, m2Y: syy, cXY: sxy,
                           minX: first.minX, maxX: first.maxX, minY: first.minY, maxY: first.maxY)
    }

    /// Two-pass summary of column `c` over rows `r` of row-major `[rows, cols]` data.
    private static func strided<T: FloatElement>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ r: Range<Int>, _ c: Int, _ cols: Int) -> PairMoments {
        guard !r.isEmpty else { return PairMoments() }
        var m = PairMoments()
        var sx = 0.0, sy = 0.0
        for i in r {
            let a = x[i * cols + c].doubleValue, b = y[i * cols + c].doubleValue
            sx += a; sy += b
            m.minX = Swift.min(m.minX, a); m.maxX = Swift.max(m.maxX, a)
            m.minY = Swift.min(m.minY, b); m.maxY = Swift.max(m.maxY, b)
        }
        m.n = Double(r.count)
        m.meanX = sx / m.n
        m.meanY = sy / m.n
        for i in r {
            let a = x[i * cols + c].doubleValue - m.meanX, b = y[i * cols + c].doubleValue - m.meanY
            m.m2X += a * a; m.m2Y += b * b; m.cXY += a * b
        }
        return m
    }
}
