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
        let idx = lo < hi ? Array(stride(from: lo, to: hi, by: step)) : []
        if step == 1 {
            var outShape = shape
            outShape[ax] = idx.count
            let out = Tensor(uninitializedShape: outShape, dtype: dtype)
            let (outer, _, inner) = axisSplit(ax)
            let w = dtype.byteWidth
            let rowBytes = idx.count * inner * w
            if rowBytes > 0 {
                for o in 0..<outer {
                    (out.buffer.bytes + o * rowBytes).copyMemory(from: buffer.bytes + (o * n + lo) * inner * w, byteCount: rowBytes)
                }
            }
            return out
        }
        return try indexSelect(axis: ax, indices: idx)
    }

    /// The slices at `indices` along `axis`, in that order (PyTorch's `index_select`).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for an index outside `-n..<n`.
    public func indexSelect(axis: Int = 0, indices: [Int]) throws -> Tensor {
        let ax = try normalizedAxis(axis)
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
        let n = count, w = dtype.byteWidth
        var idx = [Int](repeating: 0, count: rank)
        var off = 0
        for i in 0..<n {
            (out.buffer.bytes + i * w).copyMemory(from: buffer.bytes + off * w, byteCount: w)
            var k = rank - 1
            while k >= 0 {
                idx[k] += 1
                off += strides[k]
                if idx[k] < outShape[k] { break }
                off -= strides[k] * outShape[k]
                idx[k] = 0
                k -= 1
            }
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
