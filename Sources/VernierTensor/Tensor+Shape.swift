extension Tensor {
    /// Joins tensors along an existing `axis`; every other dimension must match,
    /// and the dtypes are promoted to a common one.
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)``, or ``TensorError/invalidArgument(_:)`` for an empty list.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("concatenate: no tensors") }
        if tensors.count == 1 { return first }
        let ax = try first.normalizedAxis(axis)
        guard first.rank > 0 else { throw TensorError.shapeMismatch("concatenate: zero-dimensional tensors cannot be concatenated") }
        let dt = tensors.dropFirst().reduce(first.dtype) { DType.promoted($0, $1.dtype) }
        var outShape = first.shape
        outShape[ax] = 0
        for t in tensors {
            var s = t.shape
            guard s.count == first.rank else {
                throw TensorError.shapeMismatch("concatenate: ranks differ (\(first.shape) and \(t.shape))")
            }
            outShape[ax] += s[ax]
            s[ax] = first.shape[ax]
            guard s == first.shape else {
                throw TensorError.shapeMismatch("concatenate: shapes \(first.shape) and \(t.shape) differ outside axis \(ax)")
            }
        }
        let out = Tensor(uninitializedShape: outShape, dtype: dt)
        let outer = first.shape[..<ax].reduce(1, *)
        let width = dt.byteWidth
        let outRow = outShape[ax...].reduce(1, *) * width
        var offset = 0
        for t in tensors {
            let c = t.cast(dt)
            let row = t.shape[ax...].reduce(1, *) * width
            if row > 0 {
                for o in 0..<outer {
                    (out.buffer.bytes + o * outRow + offset).copyMemory(from: c.buffer.bytes + o * row, byteCount: row)
                }
            }
            offset += row
        }
        return out
    }

    /// Joins tensors of equal shape along a new `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument("stack: no tensors") }
        let r = first.rank + 1
        let ax = axis < 0 ? axis + r : axis
        guard ax >= 0 && ax < r else { throw TensorError.outOfRange("stack: axis \(axis) out of range for rank \(r)") }
        for t in tensors where t.shape != first.shape {
            throw TensorError.shapeMismatch("stack: shapes \(first.shape) and \(t.shape) differ")
        }
        let expanded = try tensors.map { t -> Tensor in
            var s = t.shape
            s.insert(1, at: ax)
            return try t.reshaped(s)
        }
        return try concatenate(expanded, axis: ax)
    }

    /// The elements `start..<end` (step `step`) along `axis`; bounds are clamped
    /// like Python slices and may be negative.
    public func slice(axis: Int = 0, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let ax = try normalizedAxis(axis)
        guard rank > 0 else { throw TensorError.invalidArgument("slice: cannot slice a zero-dimensional tensor") }
        guard step > 0 else { throw TensorError.invalidArgument("slice: step must be positive, got \(step)") }
        let n = shape[ax]
        func clampIndex(_ i: Int) -> Int { Swift.min(n, Swift.max(0, i < 0 ? i + n : i)) }
        let lo = clampIndex(start), hi = clampIndex(end ?? n)
        if step == 1 {
            let kept = Swift.max(0, hi - lo)
            var outShape = shape
            outShape[ax] = kept
            let out = Tensor(uninitializedShape: outShape, dtype: dtype)
            let (outer, _, inner) = axisSplit(ax)
            let w = dtype.byteWidth
            let rowBytes = kept * inner * w
            if rowBytes > 0 {
                for o in 0..<outer {
                    (out.buffer.bytes + o * rowBytes).copyMemory(from: buffer.bytes + (o * n + lo) * inner * w, byteCount: rowBytes)
                }
            }
            return out
        }
        return try indexSelect(axis: ax, indices: lo < hi ? Array(stride(from: lo, to: hi, by: step)) : [])
    }

    /// The slices at `indices` along `axis`, in that order (PyTorch's `index_select`).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for an index outside `-n..<n`.
    public func indexSelect(axis: Int = 0, indices: [Int]) throws -> Tensor {
        let ax = try normalizedAxis(axis)
        guard rank > 0 || indices.count == 1 else {
            throw TensorError.shapeMismatch("indexSelect: a 0-dim tensor takes exactly one index, got \(indices.count)")
        }
        let n = rank == 0 ? 1 : shape[ax]
        var outShape = shape
        if rank > 0 { outShape[ax] = indices.count }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let (outer, _, inner) = axisSplit(ax)
        let w = dtype.byteWidth
        let rowBytes = inner * w
        for i in indices where i < -n || i >= n {
            throw TensorError.outOfRange("index \(i) is out of range for dimension \(ax) of size \(n)")
        }
        for o in 0..<outer {
            for (k, i0) in indices.enumerated() {
                let i = i0 < 0 ? i0 + n : i0
                (out.buffer.bytes + (o * indices.count + k) * rowBytes).copyMemory(from: buffer.bytes + (o * n + i) * rowBytes, byteCount: rowBytes)
            }
        }
        return out
    }

    /// Reorders dimensions: dimension `i` of the result is dimension `dims[i]` of `self`.
    public func permuted(_ dims: [Int]) throws -> Tensor {
        let d = try dims.map { try normalizedAxis($0) }
        guard d.count == rank, Set(d).count == rank else {
            throw TensorError.invalidArgument("permute: \(dims) is not a permutation of \(rank) dimensions")
        }
        if d == Array(0..<rank) { return self }
        let outShape = d.map { shape[$0] }
        var srcStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { srcStrides[i] = srcStrides[i + 1] * shape[i + 1] }
        let strides = d.map { srcStrides[$0] }
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        guard out.count > 0 else { return out }
        // Walk the output in order, one innermost row at a time, reading the source with strides.
        func run<W: FixedWidthInteger>(_: W.Type) {
            let src = buffer.bytes.assumingMemoryBound(to: W.self), dst = out.buffer.bytes.assumingMemoryBound(to: W.self)
            let rowLength = outShape[rank - 1], rowStride = strides[rank - 1]
            Tensor.walkRows(outShape, strides, strides) { flat, off, _ in
                for j in 0..<rowLength { dst[flat + j] = src[off + j * rowStride] }
            }
        }
        switch dtype.byteWidth {
        case 8: run(UInt64.self)
        case 4: run(UInt32.self)
        default: run(UInt8.self)
        }
        return out
    }

    /// Swaps two dimensions.
    public func transposed(_ a: Int = 0, _ b: Int = 1) throws -> Tensor {
        var d = Array(0..<rank)
        let x = try normalizedAxis(a), y = try normalizedAxis(b)
        d.swapAt(x, y)
        return try permuted(d)
    }
}

extension Tensor {
    /// Removes dimensions of size 1: all of them when `axis` is nil, else only
    /// `axis`, which is left alone when its size is not 1 (PyTorch's `squeeze`).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func squeezed(axis: Int? = nil) throws -> Tensor {
        guard let axis else { return Tensor(buffer: buffer, shape: shape.filter { $0 != 1 }, dtype: dtype) }
        let ax = try checkedAxis(axis, "squeezed")
        guard rank > 0, shape[ax] == 1 else { return self }
        var s = shape
        s.remove(at: ax)
        return Tensor(buffer: buffer, shape: s, dtype: dtype)
    }

    /// Inserts a dimension of size 1 at `axis`, which may be `-(rank + 1)...rank`
    /// (PyTorch's `unsqueeze`; -1 appends).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for an axis outside that range.
    public func unsqueezed(axis: Int) throws -> Tensor {
        let ax = axis < 0 ? axis + rank + 1 : axis
        guard ax >= 0 && ax <= rank else {
            throw TensorError.outOfRange("unsqueezed: axis \(axis) is out of range for a tensor of rank \(rank) (expected \(-(rank + 1))...\(rank))")
        }
        var s = shape
        s.insert(1, at: ax)
        return Tensor(buffer: buffer, shape: s, dtype: dtype)
    }

    /// The elements in reverse order along `axis` (PyTorch's `torch.flip`).
    /// A 0-dim tensor is returned unchanged.
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis.
    public func flipped(axis: Int) throws -> Tensor {
        let ax = try checkedAxis(axis, "flipped")
        let (outer, n, inner) = axisSplit(ax)
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        func run<W: FixedWidthInteger>(_: W.Type) {
            let s = buffer.bytes.assumingMemoryBound(to: W.self), d = out.buffer.bytes.assumingMemoryBound(to: W.self)
            for o in 0..<outer {
                let block = o * n * inner
                for k in 0..<n {
                    let from = s + block + (n - 1 - k) * inner, to = d + block + k * inner
                    for j in 0..<inner { to[j] = from[j] }
                }
            }
        }
        switch dtype.byteWidth {
        case 8: run(UInt64.self)
        case 4: run(UInt32.self)
        default: run(UInt8.self)
        }
        return out
    }

    /// `count` copies of the tensor joined along `axis` (PyTorch's
    /// `torch.cat([x] * count, dim=axis)`, i.e. `Tensor.repeat` along one
    /// dimension). `count == 0` gives size 0 along `axis`.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a negative count or a
    ///   0-dim tensor, ``TensorError/outOfRange(_:)`` for a bad axis.
    public func repeated(count copies: Int, axis: Int = 0) throws -> Tensor {
        guard copies >= 0 else { throw TensorError.invalidArgument("repeated: count must be non-negative, got \(copies)") }
        guard rank > 0 else { throw TensorError.invalidArgument("repeated: cannot repeat a 0-dim tensor along an axis; unsqueeze it first") }
        let ax = try checkedAxis(axis, "repeated")
        var outShape = shape
        outShape[ax] *= copies
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let outer = shape[..<ax].reduce(1, *)
        let block = shape[ax...].reduce(1, *) * dtype.byteWidth
        if block > 0 {
            for o in 0..<outer {
                for c in 0..<copies {
                    (out.buffer.bytes + (o * copies + c) * block).copyMemory(from: buffer.bytes + o * block, byteCount: block)
                }
            }
        }
        return out
    }
}
