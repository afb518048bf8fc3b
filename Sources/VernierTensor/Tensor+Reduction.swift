import Foundation

/// A reduction over all elements or along one axis.
public enum ReduceOp: String, Sendable, CaseIterable {
    /// Sum. Floats accumulate in Float64 (the result keeps the input's float
    /// dtype); integers and bool accumulate and return int64. Empty: 0.
    case sum
    /// Arithmetic mean, as float (integers give float32). Empty: NaN.
    case mean
    /// Product (accumulated like `sum`). Empty: 1.
    case prod
    /// Minimum, in the input dtype (bool stays bool); NaN propagates. Empty: an error.
    case min
    /// Maximum, in the input dtype (bool stays bool); NaN propagates. Empty: an error.
    case max
}

extension Tensor {
    /// Normalises a possibly negative axis.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` when `axis` is not in `-rank..<rank`.
    public func normalizedAxis(_ axis: Int) throws -> Int {
        let r = Swift.max(rank, 1)
        let a = axis < 0 ? axis + r : axis
        guard a >= 0 && a < r else {
            throw TensorError.outOfRange("axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }

    /// `(outer, n, inner)` sizes around `axis`.
    @usableFromInline
    func axisSplit(_ axis: Int) -> (Int, Int, Int) {
        if rank == 0 { return (1, 1, 1) }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    func reducedShape(_ axis: Int, keepDim: Bool) -> [Int] {
        if rank == 0 { return [] }
        var s = shape
        if keepDim { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }

    /// Reduces along `axis` (or over every element when `axis` is nil).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis;
    ///   ``TensorError/invalidArgument(_:)`` for min/max of an empty tensor.
    public func reduce(_ op: ReduceOp, axis: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        if let whole = try reduceWhole(op, axis: axis, keepDim: keepDim) { return whole }
        var src = self
        if src.dtype == .bool || (op != .mean && src.dtype.isInteger && (op == .sum || op == .prod)) {
            if op == .sum || op == .prod { src = src.cast(.int64) }
        }
        if op == .mean { src = src.asFloatingPoint() }
        if src.dtype == .bool { src = src.cast(.uint8) }
        let a: Int
        let outShape: [Int]
        if let axis {
            a = try normalizedAxis(axis)
            outShape = reducedShape(a, keepDim: keepDim)
        } else {
            a = -1
            outShape = keepDim ? [Int](repeating: 1, count: rank) : []
        }
        let (outer, n, inner) = a < 0 ? (1, count, 1) : axisSplit(a)
        if (op == .min || op == .max) && n == 0 {
            throw TensorError.invalidArgument("\(op.rawValue): cannot reduce an empty tensor (or an empty axis)")
        }
        let out: Tensor
        switch src.dtype {
        case .float32: out = src.floatReduce(op, Float.self, outer, n, inner)
        case .float64: out = src.floatReduce(op, Double.self, outer, n, inner)
        case .int64: out = src.intReduce(op, Int64.self, outer, n, inner)
        case .int32: out = src.intReduce(op, Int32.self, outer, n, inner)
        case .uint8: out = src.intReduce(op, UInt8.self, outer, n, inner)
        case .bool: fatalError("unreachable")
        }
        // PyTorch's min/max of bool stay bool; the kernel ran on uint8.
        let typed = dtype == .bool && (op == .min || op == .max) ? out.cast(.bool) : out
        return try typed.reshaped(outShape)
    }

    /// The parallel whole-tensor kernels, when `op` reduces a non-empty
    /// tensor to one value (no axis, or an axis holding every element): bool
    /// and uint8 sums count bytes without widening to int64, min and max run
    /// in one pass. Nil when the general path applies.
    private func reduceWhole(_ op: ReduceOp, axis: Int?, keepDim: Bool) throws -> Tensor? {
        guard count > 0 else { return nil }
        var outShape = keepDim ? [Int](repeating: 1, count: rank) : []
        if let axis {
            let a = try normalizedAxis(axis)
            guard rank == 0 || shape[a] == count else { return nil }
            outShape = reducedShape(a, keepDim: keepDim)
        }
        switch op {
        case .sum where dtype == .bool || dtype == .uint8:
            return try Tensor.scalar(Int64(byteSum())).reshaped(outShape)
        case .min, .max:
            let (lo, hi) = extrema()
            return try (op == .min ? lo : hi).reshaped(outShape)
        default:
            return nil
        }
    }

    private func floatReduce<T: FloatElement>(_ op: ReduceOp, _: T.Type, _ outer: Int, _ n: Int, _ inner: Int) -> Tensor {
        var out = Tensor(uninitializedShape: [outer * inner], dtype: T.dtype)
        withUnsafeBuffer(as: T.self) { src in
            out.withUnsafeMutableBuffer(as: T.self) { dst in
                let p = src.baseAddress!
                if inner == 1 {
                    for o in 0..<outer {
                        let row = p + o * n
                        switch op {
                        case .sum: dst[o] = T(fromDouble: Tensor.sumDouble(row, n))
                        case .mean: dst[o] = T(fromDouble: n == 0 ? .nan : Tensor.sumDouble(row, n) / Double(n))
                        case .prod:
                            var acc = 1.0
                            for i in 0..<n { acc *= row[i].doubleValue }
                            dst[o] = T(fromDouble: acc)
                        case .min, .max:
                            var best = row[0]
                            for i in 1..<Swift.max(n, 1) {
                                let v = row[i]
                                if v.isNaN || best.isNaN { best = .nan } else if op == .min ? v < best : v > best { best = v }
                            }
                            dst[o] = best
                        }
                    }
                } else {
                    var acc = [Double](repeating: 0, count: inner)
                    for o in 0..<outer {
                        let base = p + o * n * inner
                        switch op {
                        case .sum, .mean, .prod:
                            for j in 0..<inner { acc[j] = op == .prod ? 1 : 0 }
                            for k in 0..<n {
                                let row = base + k * inner
                                if op == .prod { for j in 0..<inner { acc[j] *= row[j].doubleValue } } else {
                                    for j in 0..<inner { acc[j] += row[j].doubleValue }
                                }
                            }
                            for j in 0..<inner {
                                dst[o * inner + j] = T(fromDouble: op == .mean ? (n == 0 ? .nan : acc[j] / Double(n)) : acc[j])
                            }
                        case .min, .max:
                            for j in 0..<inner { dst[o * inner + j] = base[j] }
                            for k in 1..<Swift.max(n, 1) {
                                let row = base + k * inner
                                for j in 0..<inner {
                                    let v = row[j], b = dst[o * inner + j]
                                    if v.isNaN || b.isNaN { dst[o * inner + j] = .nan } else if op == .min ? v < b : v > b { dst[o * inner + j] = v }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    private func intReduce<T: IntegerElement>(_ op: ReduceOp, _: T.Type, _ outer: Int, _ n: Int, _ inner: Int) -> Tensor {
        // sum/prod arrive here as int64 only; min/max keep the dtype.
        var out = Tensor(uninitializedShape: [outer * inner], dtype: T.dtype)
        withUnsafeBuffer(as: T.self) { src in
            out.withUnsafeMutableBuffer(as: T.self) { dst in
                let p = src.baseAddress!
                for o in 0..<outer {
                    for j in 0..<inner {
                        let base = p + o * n * inner + j
                        var acc: T
                        switch op {
                        case .sum:
                            acc = 0
                            if inner == 1 {
                                acc = Tensor.sumInt(base, n)
                            } else {
                                for k in 0..<n { acc = acc &+ base[k * inner] }
                            }
                        case .prod:
                            acc = 1
                            for k in 0..<n { acc = acc &* base[k * inner] }
                        case .min:
                            acc = base[0]
                            for k in 1..<Swift.max(n, 1) { acc = Swift.min(acc, base[k * inner]) }
                        case .max:
                            acc = base[0]
                            for k in 1..<Swift.max(n, 1) { acc = Swift.max(acc, base[k * inner]) }
                        case .mean: fatalError("unreachable: mean casts to float")
                        }
                        dst[o * inner + j] = acc
                    }
                }
            }
        }
        return out
    }

    /// Sum of `n` contiguous floats in Float64: 8 independent accumulators
    /// per 4096-element block, blocks summed in order, large inputs split across
    /// cores (chunk results combined in order, so the result is deterministic
    /// for a given thread count).
    @inlinable
    static func sumDouble<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> Double {
        let chunks = Parallelism.chunkCount(n)
        if chunks <= 1 { return sumDoubleSerial(p, n) }
        let results = ChunkResults(repeating: 0.0, count: chunks)
        Parallelism.forEachChunk(n) { t, r in
            results.slots[t] = sumDoubleSerial(p + r.lowerBound, r.count)
        }
        return results.values.reduce(0, +)
    }

    @inlinable
    static func sumDoubleSerial<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> Double {
        var total = 0.0
        var start = 0
        while start < n {
            let end = Swift.min(n, start + 4096)
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, a4 = 0.0, a5 = 0.0, a6 = 0.0, a7 = 0.0
            var i = start
            while i + 8 <= end {
                a0 += p[i].doubleValue; a1 += p[i + 1].doubleValue
                a2 += p[i + 2].doubleValue; a3 += p[i + 3].doubleValue
                a4 += p[i + 4].doubleValue; a5 += p[i + 5].doubleValue
                a6 += p[i + 6].doubleValue; a7 += p[i + 7].doubleValue
                i += 8
            }
            while i < end { a0 += p[i].doubleValue; i += 1 }
            total += ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
            start = end
        }
        return total
    }

    @inlinable
    static func sumInt<T: IntegerElement>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var acc: T = 0
        for i in 0..<n { acc = acc &+ p[i] }
        return acc
    }

    /// The minimum and maximum of every element in one pass (PyTorch's
    /// `torch.aminmax`), as 0-dim tensors of this dtype (bool stays bool).
    /// NaN anywhere makes both NaN.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for an empty tensor.
    public func aminmax() throws -> (min: Tensor, max: Tensor) {
        guard count > 0 else { throw TensorError.invalidArgument("aminmax: cannot reduce an empty tensor") }
        return extrema()
    }

    /// Minimum and maximum of a non-empty tensor, split across cores.
    private func extrema() -> (Tensor, Tensor) {
        func run<T: NumericElement>(_: T.Type, _ kernel: (UnsafePointer<T>, Int) -> (T, T)) -> (Tensor, Tensor) {
            withUnsafeBuffer(as: T.self) { buf in
                let p = buf.baseAddress!
                let parts = Parallelism.mapChunks(buf.count, initial: (p[0], p[0])) { r in kernel(p + r.lowerBound, r.count) }
                var (lo, hi) = parts[0]
                for (l, h) in parts.dropFirst() {
                    if l != l || lo != lo { lo = l != l ? l : lo } else if l < lo { lo = l }
                    if h != h || hi != hi { hi = h != h ? h : hi } else if h > hi { hi = h }
                }
                return (Tensor([lo], shape: []), Tensor([hi], shape: []))
            }
        }
        switch dtype {
        case .float32: return run(Float.self, Tensor.float32Extrema)
        case .float64: return run(Double.self, Tensor.floatExtrema)
        case .int64: return run(Int64.self, Tensor.intExtrema)
        case .int32: return run(Int32.self, Tensor.intExtrema)
        case .uint8: return run(UInt8.self, Tensor.intExtrema)
        case .bool:
            let (lo, hi) = cast(.uint8).extrema()
            return (lo.cast(.bool), hi.cast(.bool))
        }
    }

    /// Minimum and maximum of `n >= 1` floats (float64; float32 has
    /// ``float32Extrema(_:_:)``), NaN if any is NaN: four
    /// independent branch-free lanes over blocks of 4096 elements. A NaN never
    /// wins a comparison, so each lane also sums `x - x`, which is 0 unless
    /// `x` is NaN or infinite; only a block whose sum is NaN is searched for
    /// a NaN element (infinities are legitimate extremes).
    @inline(__always)
    static func floatExtrema<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> (T, T) {
        var l0 = p[0], l1 = p[0], l2 = p[0], l3 = p[0]
        var h0 = p[0], h1 = p[0], h2 = p[0], h3 = p[0]
        var start = 0
        while start < n {
            let end = Swift.min(n, start &+ 4096)
            var z0: T = 0, z1: T = 0, z2: T = 0, z3: T = 0
            var i = start
            while i &+ 4 <= end {
                let a = p[i], b = p[i &+ 1], c = p[i &+ 2], d = p[i &+ 3]
                l0 = a < l0 ? a : l0; l1 = b < l1 ? b : l1; l2 = c < l2 ? c : l2; l3 = d < l3 ? d : l3
                h0 = a > h0 ? a : h0; h1 = b > h1 ? b : h1; h2 = c > h2 ? c : h2; h3 = d > h3 ? d : h3
                z0 += a - a; z1 += b - b; z2 += c - c; z3 += d - d
                i &+= 4
            }
            while i < end {
                l0 = p[i] < l0 ? p[i] : l0
                h0 = p[i] > h0 ? p[i] : h0
                z0 += p[i] - p[i]
                i &+= 1
            }
            if ((z0 + z1) + (z2 + z3)).isNaN && (start..<end).contains(where: { p[$0].isNaN }) { return (.nan, .nan) }
            start = end
        }
        return (Swift.min(Swift.min(l0, l1), Swift.min(l2, l3)), Swift.max(Swift.max(h0, h1), Swift.max(h2, h3)))
    }

    /// Minimum and maximum of `n >= 1` float32 values, NaN if any is NaN, as
    /// integer min/max (which vectorise) over order-preserving keys: the bits
    /// of a float as an Int32, with the magnitude bits flipped when the sign
    /// is set, order like the floats (-0 just below +0). A NaN's key lies
    /// beyond the key of +inf (or below that of -inf when its sign is set).
    @inline(__always)
    static func float32Extrema(_ p: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
        @inline(__always) func key(_ bits: Int32) -> Int32 { bits ^ ((bits >> 31) & 0x7FFF_FFFF) }
        let raw = UnsafeRawPointer(p)
        var lo = Int32.max, hi = Int32.min
        for i in 0..<n {
            let k = key(raw.load(fromByteOffset: i &* 4, as: Int32.self))
            lo = Swift.min(lo, k)
            hi = Swift.max(hi, k)
        }
        let infinity = Float.infinity.bitPattern
        if hi > key(Int32(bitPattern: infinity)) || lo < key(Int32(bitPattern: infinity | 0x8000_0000)) { return (.nan, .nan) }
        // The key map is its own inverse.
        return (Float(bitPattern: UInt32(bitPattern: key(lo))), Float(bitPattern: UInt32(bitPattern: key(hi))))
    }

    /// Minimum and maximum of `n >= 1` integers, with two independent pairs of accumulators.
    @inline(__always)
    static func intExtrema<T: IntegerElement>(_ p: UnsafePointer<T>, _ n: Int) -> (T, T) {
        var l0 = p[0], l1 = p[0], h0 = p[0], h1 = p[0]
        var i = 0
        while i &+ 2 <= n {
            let a = p[i], b = p[i &+ 1]
            l0 = Swift.min(l0, a); l1 = Swift.min(l1, b)
            h0 = Swift.max(h0, a); h1 = Swift.max(h1, b)
            i &+= 2
        }
        if i < n {
            l0 = Swift.min(l0, p[i])
            h0 = Swift.max(h0, p[i])
        }
        return (Swift.min(l0, l1), Swift.max(h0, h1))
    }

    /// The sum of a bool or uint8 tensor's bytes (bools are stored as 0 and 1), split across cores.
    func byteSum() -> Int {
        precondition(dtype == .bool || dtype == .uint8, "byteSum: tensor is \(dtype)")
        return withUnsafeRawBytes { raw in
            let base = raw.baseAddress!
            return Parallelism.mapChunks(count, minimumPerTask: Parallelism.minimumBytesPerTask, initial: 0) { r in Tensor.byteSum(base + r.lowerBound, r.count) }.reduce(0, +)
        }
    }

    /// The sum of `n` bytes, eight at a time: each 64-bit word is split into
    /// its even and odd bytes as four 16-bit lanes, lanes are summed over
    /// blocks of 128 words (at most 128 * 510 each, no overflow) and added
    /// up once per block.
    @inline(__always)
    static func byteSum(_ p: UnsafeRawPointer, _ n: Int) -> Int {
        let low: UInt64 = 0x00FF_00FF_00FF_00FF
        var total = 0
        var i = 0
        while i + 8 <= n {
            let words = Swift.min(128, (n - i) / 8)
            var lanes: UInt64 = 0
            // Unchecked offsets: an overflow check per word would stop the loop from vectorising.
            let block = p + i
            for k in 0..<words {
                let w = block.loadUnaligned(fromByteOffset: k &<< 3, as: UInt64.self)
                lanes &+= (w & low) &+ ((w >> 8) & low)
            }
            total += Int(lanes & 0xFFFF) + Int((lanes >> 16) & 0xFFFF) + Int((lanes >> 32) & 0xFFFF) + Int(lanes >> 48)
            i += words * 8
        }
        while i < n {
            total += Int(p.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return total
    }

    /// Sum of every element (see ``ReduceOp/sum``).
    public func sum() -> Tensor { try! reduce(.sum) }
    /// Sum along `axis`.
    public func sum(axis: Int, keepDim: Bool = false) throws -> Tensor { try reduce(.sum, axis: axis, keepDim: keepDim) }
    /// Mean of every element; NaN for an empty tensor.
    public func mean() -> Tensor { try! reduce(.mean) }
    /// Mean along `axis`.
    public func mean(axis: Int, keepDim: Bool = false) throws -> Tensor { try reduce(.mean, axis: axis, keepDim: keepDim) }

    /// The sum of all elements as a Double, accumulated in Float64 for floats
    /// and exactly (then converted) for integers.
    public func sumAsDouble() -> Double {
        switch dtype {
        case .float32: return withUnsafeBuffer(as: Float.self) { Tensor.sumDouble($0.baseAddress!, $0.count) }
        case .float64: return withUnsafeBuffer(as: Double.self) { Tensor.sumDouble($0.baseAddress!, $0.count) }
        default: return Double(sum().int64Element(at: 0))
        }
    }

    /// Index of the maximum (or minimum) along `axis`, as int64; the first
    /// occurrence wins on ties and NaN counts as the maximum (and minimum),
    /// like PyTorch. With `axis` nil the index is into the flattened tensor.
    ///
    /// - Throws: for an empty axis or a bad axis.
    public func argReduce(max: Bool, axis: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        let src = dtype == .bool ? cast(.uint8) : self
        let a = try axis.map { try normalizedAxis($0) }
        let (outer, n, inner) = a.map { axisSplit($0) } ?? (1, count, 1)
        guard n > 0 else { throw TensorError.invalidArgument("arg\(max ? "max" : "min"): cannot reduce an empty axis") }
        var out = Tensor(uninitializedShape: [outer * inner], dtype: .int64)
        func run<T: NumericElement>(_: T.Type) {
            src.withUnsafeBuffer(as: T.self) { p in
                out.withUnsafeMutableBuffer(as: Int64.self) { dst in
                    let p = p.baseAddress!, dst = dst.baseAddress!
                    Parallelism.forEachChunk(outer * inner, minimumPerTask: Swift.max(1, Parallelism.minimumElementsPerTask / n)) { _, lanes in
                        for lane in lanes {
                            let base = p + (lane / inner) * n * inner + lane % inner
                            dst[lane] = Int64(max ? Tensor.argBest(base, n, inner, >) : Tensor.argBest(base, n, inner, <))
                        }
                    }
                }
            }
        }
        switch src.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .int32: run(Int32.self)
        case .uint8: run(UInt8.self)
        case .bool: fatalError("unreachable")
        }
        let shape = a.map { reducedShape($0, keepDim: keepDim) } ?? (keepDim ? [Int](repeating: 1, count: rank) : [])
        return try out.reshaped(shape)
    }

    /// Index of the maximum along `axis` (see ``argReduce(max:axis:keepDim:)``).
    public func argmax(axis: Int? = nil, keepDim: Bool = false) throws -> Tensor { try argReduce(max: true, axis: axis, keepDim: keepDim) }
    /// Index of the minimum along `axis` (see ``argReduce(max:axis:keepDim:)``).
    public func argmin(axis: Int? = nil, keepDim: Bool = false) throws -> Tensor { try argReduce(max: false, axis: axis, keepDim: keepDim) }

    /// Index of the first element that beats every earlier one under
    /// `better`, or of the first NaN (`v != v` only for NaN), which wins outright.
    @inline(__always)
    static func argBest<T: NumericElement>(_ base: UnsafePointer<T>, _ n: Int, _ stride: Int, _ better: (T, T) -> Bool) -> Int {
        var bi = 0
        var bv = base[0]
        if bv != bv { return 0 }
        var k = 1
        while k < n {
            let v = base[k * stride]
            if v != v { return k }
            if better(v, bv) {
                bv = v
                bi = k
            }
            k += 1
        }
        return bi
    }
}
