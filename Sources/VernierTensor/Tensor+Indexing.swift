extension Tensor {
    /// Row-major element strides of `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = s
            s *= shape[d]
        }
        return strides
    }

    /// Walks the positions of `shape` (rank >= 1, no zero sizes) in row-major
    /// order one innermost row at a time, calling `body(flatStart, offsetA, offsetB)`
    /// with the flat index of the row's first position and that position's
    /// offsets under `stridesA` and `stridesB`; `body` loops over the last dimension.
    @inline(__always)
    static func walkRows(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int], _ body: (Int, Int, Int) -> Void) {
        let r = shape.count
        let rowLength = shape[r - 1]
        let rows = shape.dropLast().reduce(1, *)
        var idx = [Int](repeating: 0, count: r)
        var offA = 0, offB = 0
        for row in 0..<rows {
            body(row * rowLength, offA, offB)
            var d = r - 2
            while d >= 0 {
                idx[d] += 1
                offA += stridesA[d]
                offB += stridesB[d]
                if idx[d] < shape[d] { break }
                offA -= stridesA[d] * shape[d]
                offB -= stridesB[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }

    /// `index` as int64 after checking that it is an integer tensor whose
    /// values lie in `0..<size`.
    static func checkedIndices(_ index: Tensor, size: Int, function: String, axis: Int) throws -> Tensor {
        guard index.dtype.isInteger else {
            throw TensorError.dtypeMismatch("\(function): index must be an integer tensor (int64, int32 or uint8), got \(index.dtype)")
        }
        let idx = index.cast(.int64)
        let bad = idx.withUnsafeBuffer(as: Int64.self) { p in p.first { $0 < 0 || $0 >= size } }
        if let bad {
            throw TensorError.outOfRange("\(function): index \(bad) is out of bounds for dimension \(axis) with size \(size) (expected 0..<\(size))")
        }
        return idx
    }

    /// Values picked along `axis` by `index` (PyTorch's `torch.gather`): for a
    /// 3-D tensor and `axis == 1`, `out[i][j][k] = self[i][index[i][j][k]][k]`.
    ///
    /// `index` is an integer tensor of the same rank whose size in every other
    /// dimension is at most this tensor's; the result has `index`'s shape and
    /// this tensor's dtype. Negative indices are errors, as in PyTorch. An empty
    /// `index` gives an empty result.
    ///
    /// - Throws: ``TensorError/dtypeMismatch(_:)`` for a non-integer index,
    ///   ``TensorError/shapeMismatch(_:)`` for incompatible shapes,
    ///   ``TensorError/outOfRange(_:)`` for an index outside `0..<shape[axis]` or a bad axis.
    public func gather(axis: Int, index: Tensor) throws -> Tensor {
        let ax = try checkedAxis(axis, "gather")
        guard index.rank == rank else {
            throw TensorError.shapeMismatch("gather: index must have the same rank as the input (\(rank)), got shape \(index.shape)")
        }
        let selfShape = rank == 0 ? [1] : shape, indexShape = index.rank == 0 ? [1] : index.shape
        for d in 0..<selfShape.count where d != ax && indexShape[d] > selfShape[d] {
            throw TensorError.shapeMismatch("gather: index shape \(index.shape) exceeds input shape \(shape) in dimension \(d)")
        }
        let idx = try Tensor.checkedIndices(index, size: selfShape[ax], function: "gather", axis: ax)
        switch dtype {
        case .float32: return gatherTyped(Float.self, ax, idx, selfShape, indexShape, index.shape)
        case .float64: return gatherTyped(Double.self, ax, idx, selfShape, indexShape, index.shape)
        case .int64: return gatherTyped(Int64.self, ax, idx, selfShape, indexShape, index.shape)
        case .int32: return gatherTyped(Int32.self, ax, idx, selfShape, indexShape, index.shape)
        case .uint8: return gatherTyped(UInt8.self, ax, idx, selfShape, indexShape, index.shape)
        case .bool: return gatherTyped(Bool.self, ax, idx, selfShape, indexShape, index.shape)
        }
    }

    private func gatherTyped<T: TensorElement>(_: T.Type, _ ax: Int, _ idx: Tensor, _ selfShape: [Int], _ indexShape: [Int], _ outShape: [Int]) -> Tensor {
        var out = Tensor(uninitializedShape: outShape, dtype: T.dtype)
        guard out.count > 0 else { return out }
        var strides = Tensor.contiguousStrides(selfShape)
        let axisStride = strides[ax]
        strides[ax] = 0
        let last = indexShape.count - 1
        let rowLength = indexShape[last], rowStride = strides[last]
        withUnsafeBuffer(as: T.self) { src in
            idx.withUnsafeBuffer(as: Int64.self) { ip in
                out.withUnsafeMutableBuffer(as: T.self) { dst in
                    let s = src.baseAddress!, ip = ip.baseAddress!, d = dst.baseAddress!
                    Tensor.walkRows(indexShape, strides, strides) { flat, off, _ in
                        for j in 0..<rowLength {
                            d[flat + j] = s[off + j * rowStride + Int(ip[flat + j]) * axisStride]
                        }
                    }
                }
            }
        }
        return out
    }

    /// A copy of this tensor with `source` added at positions chosen by
    /// `index` along `axis` (PyTorch's `torch.scatter_add`, out of place): for
    /// a 3-D tensor and `axis == 1`, `out[i][index[i][j][k]][k] += source[i][j][k]`
    /// for every position of `index`.
    ///
    /// `index`, `source` and `self` have the same rank; `index` is no larger
    /// than `source` in any dimension and no larger than `self` outside `axis`.
    /// `source` must have this tensor's dtype. Repeated indices accumulate, in
    /// row-major order of `index` (deterministic); integers wrap on overflow and
    /// bool adds as logical or.
    ///
    /// - Throws: ``TensorError/dtypeMismatch(_:)`` for a non-integer index or a
    ///   source of another dtype, ``TensorError/shapeMismatch(_:)`` for
    ///   incompatible shapes, ``TensorError/outOfRange(_:)`` for an index
    ///   outside `0..<shape[axis]` or a bad axis.
    public func scatterAdd(axis: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let ax = try checkedAxis(axis, "scatterAdd")
        guard source.dtype == dtype else {
            throw TensorError.dtypeMismatch("scatterAdd: source must have the input's dtype \(dtype), got \(source.dtype)")
        }
        guard index.rank == rank && source.rank == rank else {
            throw TensorError.shapeMismatch("scatterAdd: input \(shape), index \(index.shape) and source \(source.shape) must have the same rank")
        }
        let selfShape = rank == 0 ? [1] : shape, indexShape = index.rank == 0 ? [1] : index.shape
        let sourceShape = source.rank == 0 ? [1] : source.shape
        for d in 0..<selfShape.count {
            if indexShape[d] > sourceShape[d] || (d != ax && indexShape[d] > selfShape[d]) {
                throw TensorError.shapeMismatch("scatterAdd: index shape \(index.shape) must not exceed source shape \(source.shape), nor input shape \(shape) outside dimension \(ax); dimension \(d) does")
            }
        }
        let idx = try Tensor.checkedIndices(index, size: selfShape[ax], function: "scatterAdd", axis: ax)
        switch dtype {
        case .float32: return scatterAddTyped(Elementwise.Add<Float>(), ax, idx, source, selfShape, indexShape, sourceShape)
        case .float64: return scatterAddTyped(Elementwise.Add<Double>(), ax, idx, source, selfShape, indexShape, sourceShape)
        case .int64: return scatterAddTyped(Elementwise.IntAdd<Int64>(), ax, idx, source, selfShape, indexShape, sourceShape)
        case .int32: return scatterAddTyped(Elementwise.IntAdd<Int32>(), ax, idx, source, selfShape, indexShape, sourceShape)
        case .uint8: return scatterAddTyped(Elementwise.IntAdd<UInt8>(), ax, idx, source, selfShape, indexShape, sourceShape)
        case .bool: return scatterAddTyped(Elementwise.Or(), ax, idx, source, selfShape, indexShape, sourceShape)
        }
    }

    private func scatterAddTyped<F: BinaryFunction>(
        _ add: F, _ ax: Int, _ idx: Tensor, _ source: Tensor,
        _ selfShape: [Int], _ indexShape: [Int], _ sourceShape: [Int]
    ) -> Tensor where F.A == F.O, F.B == F.O {
        typealias T = F.O
        var out = Tensor(uninitializedShape: shape, dtype: dtype)
        out.buffer.bytes.copyMemory(from: buffer.bytes, byteCount: byteCount)
        guard idx.count > 0 else { return out }
        var strides = Tensor.contiguousStrides(selfShape)
        let axisStride = strides[ax]
        strides[ax] = 0
        let sourceStrides = Tensor.contiguousStrides(sourceShape)
        let last = indexShape.count - 1
        let rowLength = indexShape[last], rowStride = strides[last], sourceRowStride = sourceStrides[last]
        source.withUnsafeBuffer(as: T.self) { src in
            idx.withUnsafeBuffer(as: Int64.self) { ip in
                out.withUnsafeMutableBuffer(as: T.self) { dst in
                    let s = src.baseAddress!, ip = ip.baseAddress!, d = dst.baseAddress!
                    Tensor.walkRows(indexShape, strides, sourceStrides) { flat, off, sourceOff in
                        for j in 0..<rowLength {
                            let target = off + j * rowStride + Int(ip[flat + j]) * axisStride
                            d[target] = add(d[target], s[sourceOff + j * sourceRowStride])
                        }
                    }
                }
            }
        }
        return out
    }

    /// The elements where `mask` is true, as a 1-D tensor in row-major order
    /// (PyTorch's `torch.masked_select`); `self` and `mask` broadcast together
    /// first. An all-false mask gives an empty tensor.
    ///
    /// - Throws: ``TensorError/dtypeMismatch(_:)`` when `mask` is not bool,
    ///   ``TensorError/shapeMismatch(_:)`` when the shapes do not broadcast.
    public func maskedSelect(_ mask: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TensorError.dtypeMismatch("maskedSelect: mask must be bool, got \(mask.dtype)")
        }
        let common = try Tensor.broadcastShape(shape, mask.shape)
        let x = try broadcast(to: common), m = try mask.broadcast(to: common)
        switch dtype {
        case .float32: return x.maskedSelectTyped(Float.self, m)
        case .float64: return x.maskedSelectTyped(Double.self, m)
        case .int64: return x.maskedSelectTyped(Int64.self, m)
        case .int32: return x.maskedSelectTyped(Int32.self, m)
        case .uint8: return x.maskedSelectTyped(UInt8.self, m)
        case .bool: return x.maskedSelectTyped(Bool.self, m)
        }
    }

    private func maskedSelectTyped<T: TensorElement>(_: T.Type, _ mask: Tensor) -> Tensor {
        let selected = mask.countNonzero()
        var out = Tensor(uninitializedShape: [selected], dtype: T.dtype)
        withUnsafeBuffer(as: T.self) { src in
            mask.withUnsafeBuffer(as: Bool.self) { m in
                out.withUnsafeMutableBuffer(as: T.self) { dst in
                    var o = 0
                    for i in 0..<src.count where m[i] {
                        dst[o] = src[i]
                        o += 1
                    }
                }
            }
        }
        return out
    }

    /// The coordinates of the non-zero elements as an int64 tensor of shape
    /// `[k, rank]`, in row-major order (PyTorch's `torch.nonzero`). NaN counts
    /// as non-zero and `-0.0` as zero. A 0-dim tensor gives shape `[k, 0]`.
    public func nonzero() -> Tensor {
        switch dtype {
        case .float32: return nonzeroTyped(Float.self)
        case .float64: return nonzeroTyped(Double.self)
        case .int64: return nonzeroTyped(Int64.self)
        case .int32: return nonzeroTyped(Int32.self)
        case .uint8: return nonzeroTyped(UInt8.self)
        case .bool: return nonzeroTyped(Bool.self)
        }
    }

    private func nonzeroTyped<T: TensorElement>(_: T.Type) -> Tensor {
        let k = countNonzero()
        var out = Tensor(uninitializedShape: [k, rank], dtype: .int64)
        guard k > 0 && rank > 0 else { return out }
        withUnsafeBuffer(as: T.self) { src in
            out.withUnsafeMutableBuffer(as: Int64.self) { dst in
                var coordinate = [Int64](repeating: 0, count: rank)
                var o = 0
                for i in 0..<src.count {
                    if src[i] != T.zero {
                        for d in 0..<rank { dst[o + d] = coordinate[d] }
                        o += rank
                    }
                    var d = rank - 1
                    while d >= 0 {
                        coordinate[d] += 1
                        if coordinate[d] < shape[d] { break }
                        coordinate[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return out
    }

    /// One-hot encoding of an integer tensor (PyTorch's `torch.nn.functional.one_hot`):
    /// int64 of shape `shape + [numClasses]` with `out[..., c] = 1` where `self[...] == c`.
    ///
    /// `numClasses == -1` uses `max + 1`.
    ///
    /// - Throws: ``TensorError/dtypeMismatch(_:)`` for float or bool input;
    ///   ``TensorError/outOfRange(_:)`` for a negative value or one `>= numClasses`;
    ///   ``TensorError/invalidArgument(_:)`` for `numClasses < -1`, or `-1` with empty input.
    public func oneHot(numClasses: Int = -1) throws -> Tensor {
        guard dtype.isInteger else {
            throw TensorError.dtypeMismatch("oneHot: input must be an integer tensor (int64, int32 or uint8), got \(dtype)")
        }
        guard numClasses >= -1 else {
            throw TensorError.invalidArgument("oneHot: numClasses must be -1 (infer) or non-negative, got \(numClasses)")
        }
        let values = cast(.int64)
        let (lo, hi) = values.withUnsafeBuffer(as: Int64.self) { p in
            p.reduce((Int64.max, Int64.min)) { (Swift.min($0.0, $1), Swift.max($0.1, $1)) }
        }
        let n = count
        if n > 0 && lo < 0 {
            throw TensorError.outOfRange("oneHot: class values must be non-negative, got \(lo)")
        }
        if n > 0 && hi >= Int64(Int32.max) {
            throw TensorError.outOfRange("oneHot: class value \(hi) would need more than 2^31 - 1 classes")
        }
        let classes: Int
        if numClasses == -1 {
            guard n > 0 else { throw TensorError.invalidArgument("oneHot: cannot infer numClasses (-1) from an empty tensor") }
            classes = Int(hi) + 1
        } else {
            classes = numClasses
            if n > 0 && hi >= classes {
                throw TensorError.outOfRange("oneHot: class value \(hi) is out of range for numClasses \(classes) (expected 0..<\(classes))")
            }
        }
        guard !n.multipliedReportingOverflow(by: classes).overflow else {
            throw TensorError.invalidArgument("oneHot: \(n) elements times \(classes) classes is too large")
        }
        let out = Tensor.zeros(shape + [classes], dtype: .int64)
        let dst = out.buffer.bytes.assumingMemoryBound(to: Int64.self)
        values.withUnsafeBuffer(as: Int64.self) { p in
            for i in 0..<n { dst[i * classes + Int(p[i])] = 1 }
        }
        return out
    }

    /// Counts of each value of a 1-D non-negative integer tensor (PyTorch's
    /// `torch.bincount`): `out[v]` is the number of elements equal to `v`, or,
    /// with `weights`, the sum of their weights.
    ///
    /// The length is `max(self.max() + 1, minlength)` (`minlength` for empty
    /// input). Without weights the result is int64; float32 weights give
    /// float32 and any other weights float64, like PyTorch (weights
    /// accumulate in Float64 either way).
    ///
    /// - Throws: ``TensorError/dtypeMismatch(_:)`` for float or bool input;
    ///   ``TensorError/shapeMismatch(_:)`` when the input is not 1-D or
    ///   `weights` does not have its shape; ``TensorError/outOfRange(_:)`` for a
    ///   negative value; ``TensorError/invalidArgument(_:)`` for a negative `minlength`.
    public func bincount(weights: Tensor? = nil, minlength: Int = 0) throws -> Tensor {
        guard dtype.isInteger else {
            throw TensorError.dtypeMismatch("bincount: input must be a non-negative integer tensor (int64, int32 or uint8), got \(dtype)")
        }
        guard rank == 1 else { throw TensorError.shapeMismatch("bincount: input must be 1-D, got shape \(shape)") }
        guard minlength >= 0 else { throw TensorError.invalidArgument("bincount: minlength must be non-negative, got \(minlength)") }
        if let weights, weights.shape != shape {
            throw TensorError.shapeMismatch("bincount: weights must have the input's shape \(shape), got \(weights.shape)")
        }
        let values = cast(.int64)
        let (lo, hi) = values.withUnsafeBuffer(as: Int64.self) { p in
            p.reduce((Int64.max, Int64.min)) { (Swift.min($0.0, $1), Swift.max($0.1, $1)) }
        }
        if count > 0 && lo < 0 {
            throw TensorError.outOfRange("bincount: input values must be non-negative, got \(lo)")
        }
        if count > 0 && hi >= Int64(Int32.max) {
            throw TensorError.invalidArgument("bincount: largest value \(hi) would need more than 2^31 - 1 bins")
        }
        let bins = Swift.max(count > 0 ? Int(hi) + 1 : 0, minlength)
        guard let weights else { return values.binCounts(bins, Int64.self, weights: nil) }
        let w = weights.cast(.float64)
        let totals = w.withUnsafeBuffer(as: Double.self) { values.binCounts(bins, Double.self, weights: $0.baseAddress!) }
        return weights.dtype == .float32 ? totals.cast(.float32) : totals
    }

    /// Histogram of int64 values (all in `0..<bins`) adding `weights[i]` for
    /// element `i`, or 1 without weights. Large inputs count per chunk in
    /// parallel and add the chunk histograms in chunk order, so the result is
    /// deterministic.
    private func binCounts<A: NumericElement>(_ bins: Int, _: A.Type, weights: UnsafePointer<A>?) -> Tensor {
        let n = count
        var out = Tensor.zeros([bins], dtype: A.dtype)
        // Per-chunk histograms only pay off when they are small next to the input.
        let chunks = bins * Parallelism.threadCount * 4 <= n ? Parallelism.chunkCount(n) : 1
        withUnsafeBuffer(as: Int64.self) { src in
            out.withUnsafeMutableBuffer(as: A.self) { dst in
                let s = src.baseAddress!
                func count(_ r: Range<Int>, into h: UnsafeMutablePointer<A>) {
                    if let weights {
                        for i in r { h[Int(s[i])] += weights[i] }
                    } else {
                        for i in r { h[Int(s[i])] += 1 }
                    }
                }
                if chunks <= 1 {
                    count(0..<n, into: dst.baseAddress!)
                    return
                }
                let partial = UnsafeMutablePointer<A>.allocate(capacity: chunks * bins)
                defer { partial.deallocate() }
                partial.initialize(repeating: .zero, count: chunks * bins)
                Parallelism.forEachChunk(n) { t, r in count(r, into: partial + t * bins) }
                for t in 0..<chunks {
                    let h = partial + t * bins
                    for b in 0..<bins { dst[b] += h[b] }
                }
            }
        }
        return out
    }
}
