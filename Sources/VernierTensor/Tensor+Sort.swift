extension Tensor {
    /// `normalizedAxis(_:)` with the calling function's name in the error.
    func checkedAxis(_ axis: Int, _ function: String) throws -> Int {
        do {
            return try normalizedAxis(axis)
        } catch TensorError.outOfRange(let message) {
            throw TensorError.outOfRange("\(function): \(message)")
        }
    }

    /// Sorts along `axis` and returns the sorted values with the int64 indices
    /// they came from (PyTorch's `torch.sort(stable=True)`).
    ///
    /// The sort is stable in both directions: equal elements keep their input
    /// order (so `-0.0` and `+0.0` stay as they were). NaN sorts above
    /// everything, so NaNs come last ascending and first descending. A 0-dim
    /// tensor is one lane of one element; an empty tensor gives empty results.
    ///
    /// - Complexity: O(n) radix sort per lane of 512+ elements, merge sort below that;
    ///   lanes are sorted in parallel, and a single long lane splits each radix pass.
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis,
    ///   ``TensorError/invalidArgument(_:)`` for a lane longer than 2^32 - 1 elements.
    public func sort(axis: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let (values, indices) = try sortLanes(axis: axis, descending: descending, values: true, indices: true, function: "sort")
        return (values!, indices!)
    }

    /// The elements sorted along `axis` (the values of ``sort(axis:descending:)``:
    /// stable, NaN last ascending and first descending).
    ///
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis,
    ///   ``TensorError/invalidArgument(_:)`` for a lane longer than 2^32 - 1 elements.
    public func sorted(axis: Int = -1, descending: Bool = false) throws -> Tensor {
        try sortLanes(axis: axis, descending: descending, values: true, indices: false, function: "sorted").0!
    }

    /// The int64 indices that sort the tensor along `axis` (PyTorch's
    /// `torch.argsort`), NaN last ascending and first descending; `-0.0` and
    /// `+0.0` tie.
    ///
    /// With `stable` (the default, `torch.argsort(stable=True)`) ties keep
    /// their input order in both directions. With `stable: false` ties come
    /// out in the order of PyTorch's default CPU sort (libstdc++'s introsort
    /// `std::sort` compared by value, descending by `>`, not a reversal), for
    /// compatibility with results that depend on it, e.g. TorchMetrics
    /// re-sorting a curve's tied fpr; any lane of at most 16 elements is then
    /// sorted by insertion sort, so it is stable too.
    ///
    /// - Complexity: stable as ``sort(axis:descending:)``; unstable O(n log n) per lane.
    /// - Throws: ``TensorError/outOfRange(_:)`` for a bad axis,
    ///   ``TensorError/invalidArgument(_:)`` for a lane longer than 2^32 - 1 elements.
    public func argsort(axis: Int = -1, descending: Bool = false, stable: Bool = true) throws -> Tensor {
        try sortLanes(axis: axis, descending: descending, values: false, indices: true, function: "argsort", stable: stable).1!
    }

    /// The `k` largest (or smallest) elements along `axis` with their int64
    /// indices (PyTorch's `torch.topk`).
    ///
    /// Results are always in sorted order (largest first when `largest`), so
    /// `sorted: false` returns the same; ties go to the lower index first;
    /// NaN counts as larger than every number. `k == 0` gives empty results.
    /// For a 0-dim tensor `k` must be 1 and the results are 0-dim.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` when `k` is negative or
    ///   larger than the size of `axis`; ``TensorError/outOfRange(_:)`` for a bad axis.
    public func topk(_ k: Int, axis: Int = -1, largest: Bool = true, sorted: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let ax = try checkedAxis(axis, "topk")
        let n = rank == 0 ? 1 : shape[ax]
        guard k >= 0 && k <= n else {
            throw TensorError.invalidArgument("topk: k = \(k) is out of range for dimension \(ax) of size \(n) (expected 0...\(n))")
        }
        if rank == 0 {
            guard k == 1 else { throw TensorError.invalidArgument("topk: k must be 1 for a 0-dim tensor, got \(k)") }
            return (self, .scalar(Int64(0)))
        }
        let (values, indices) = try sortLanes(axis: ax, descending: largest, values: true, indices: true, function: "topk")
        if k == n { return (values!, indices!) }
        return (try values!.slice(axis: ax, end: k), try indices!.slice(axis: ax, end: k))
    }

    func sortLanes(axis: Int, descending: Bool, values wantValues: Bool, indices wantIndices: Bool, function: String, stable: Bool = true) throws -> (Tensor?, Tensor?) {
        let ax = try checkedAxis(axis, function)
        let (outer, n, inner) = axisSplit(ax)
        guard n <= Int(UInt32.max) else {
            throw TensorError.invalidArgument("\(function): dimension \(ax) has \(n) elements; at most \(UInt32.max) can be sorted")
        }
        let values = wantValues ? Tensor(uninitializedShape: shape, dtype: dtype) : nil
        let indices = wantIndices ? Tensor(uninitializedShape: shape, dtype: .int64) : nil
        let indexOut = indices?.buffer.bytes.assumingMemoryBound(to: Int64.self)
        func run<T: SortKeyed>(_: T.Type) {
            sortLanesTyped(T.self, outer, n, inner, descending, stable, values?.buffer.bytes.assumingMemoryBound(to: T.self), indexOut)
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int64: run(Int64.self)
        case .int32: run(Int32.self)
        case .uint8: run(UInt8.self)
        case .bool: run(Bool.self)
        }
        return (values, indices)
    }

    private func sortLanesTyped<T: SortKeyed>(
        _: T.Type, _ outer: Int, _ n: Int, _ inner: Int, _ descending: Bool, _ stable: Bool,
        _ valuesOut: UnsafeMutablePointer<T>?, _ indicesOut: UnsafeMutablePointer<Int64>?
    ) {
        let lanes = outer * inner
        guard n > 0 && lanes > 0 else { return }
        let src = buffer.bytes.assumingMemoryBound(to: T.self)
        // Complementing every key reverses the order while ties stay in input
        // order; for the introsort, comparing complemented keys by `<` is
        // comparing the values by `>`, as PyTorch's descending comparator does.
        let flip: T.SortKey = descending ? ~0 : 0
        Parallelism.forEachChunk(lanes, minimumPerTask: Swift.max(1, Parallelism.minimumElementsPerTask / n)) { _, range in
            let work = StableSort.Workspace<T.SortKey>(capacity: n)
            for lane in range {
                let base = (lane / inner) * n * inner + lane % inner
                for k in 0..<n {
                    work.keys[k] = src[base + k * inner].sortKey ^ flip
                    work.perm[k] = UInt32(truncatingIfNeeded: k)
                }
                let perm: UnsafeMutablePointer<UInt32>
                if stable {
                    perm = work.sort(n, parallel: lanes == 1)
                } else {
                    IntroSort.sort(work.keys, work.perm, n)
                    perm = work.perm
                }
                if let valuesOut {
                    for k in 0..<n { valuesOut[base + k * inner] = src[base + Int(perm[k]) * inner] }
                }
                if let indicesOut {
                    for k in 0..<n { indicesOut[base + k * inner] = Int64(perm[k]) }
                }
            }
        }
    }

    /// The distinct elements of the flattened tensor in ascending order
    /// (PyTorch's `torch.unique` with `dim=None`), optionally with the inverse
    /// indices (int64, the input's shape: where each input element lands in
    /// `values`) and the count of each value (int64).
    ///
    /// The values are always sorted, so `sorted: false` returns the same (PyTorch
    /// leaves that order unspecified). All NaNs form one value, placed last (as
    /// PyTorch does since 2.1); `-0.0` and `+0.0` are one value, represented by
    /// whichever occurs first. An empty tensor gives empty `values` and `counts`.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for more than 2^32 - 1 elements.
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false) throws -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let order = try flattened().sortLanes(axis: 0, descending: false, values: false, indices: true, function: "unique").1!
        switch dtype {
        case .float32: return uniqueTyped(Float.self, order, returnInverse, returnCounts)
        case .float64: return uniqueTyped(Double.self, order, returnInverse, returnCounts)
        case .int64: return uniqueTyped(Int64.self, order, returnInverse, returnCounts)
        case .int32: return uniqueTyped(Int32.self, order, returnInverse, returnCounts)
        case .uint8: return uniqueTyped(UInt8.self, order, returnInverse, returnCounts)
        case .bool: return uniqueTyped(Bool.self, order, returnInverse, returnCounts)
        }
    }

    private func uniqueTyped<T: SortKeyed>(_: T.Type, _ order: Tensor, _ returnInverse: Bool, _ returnCounts: Bool) -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let n = count
        var values: [T] = []
        var counts: [Int64] = []
        let inverse = returnInverse ? Tensor(uninitializedShape: shape, dtype: .int64) : nil
        withUnsafeBuffer(as: T.self) { src in
            order.withUnsafeBuffer(as: Int64.self) { perm in
                let inv = inverse?.buffer.bytes.assumingMemoryBound(to: Int64.self)
                var previous: T.SortKey = 0
                for i in 0..<n {
                    let v = src[Int(perm[i])]
                    let key = v.sortKey
                    if i == 0 || key != previous {
                        values.append(v)
                        counts.append(0)
                        previous = key
                    }
                    counts[counts.count - 1] += 1
                    inv?[Int(perm[i])] = Int64(values.count - 1)
                }
            }
        }
        return (Tensor(values), inverse, returnCounts ? Tensor(counts) : nil)
    }

    /// For each element of `values`, the index at which it would be inserted
    /// into this sorted 1-D sequence to keep it sorted (PyTorch's
    /// `torch.searchsorted`): with `right == false` the first index `i` with
    /// `self[i] >= v`, with `right == true` the first with `self[i] > v`.
    ///
    /// The result is int64 with the shape of `values`. Both operands are
    /// compared in their promoted dtype. The search is PyTorch's binary search,
    /// so a NaN value gives `count`; NaNs inside the sequence (not sorted by `<`)
    /// give the same indices as PyTorch. An unsorted sequence gives unspecified
    /// indices in `0...count`, as in PyTorch.
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)`` when `self` is not 1-D.
    public func searchsorted(_ values: Tensor, right: Bool = false) throws -> Tensor {
        guard rank == 1 else {
            throw TensorError.shapeMismatch("searchsorted: the sorted sequence must be 1-D, got shape \(shape)")
        }
        var dt = DType.promoted(dtype, values.dtype)
        if dt == .bool { dt = .uint8 }
        let boundaries = cast(dt), queries = values.cast(dt)
        switch dt {
        case .float32: return boundaries.searchsortedTyped(queries, right, Float.self)
        case .float64: return boundaries.searchsortedTyped(queries, right, Double.self)
        case .int64: return boundaries.searchsortedTyped(queries, right, Int64.self)
        case .int32: return boundaries.searchsortedTyped(queries, right, Int32.self)
        case .uint8: return boundaries.searchsortedTyped(queries, right, UInt8.self)
        case .bool: preconditionFailure("unreachable: bool searches as uint8")
        }
    }

    private func searchsortedTyped<T: NumericElement>(_ queries: Tensor, _ right: Bool, _: T.Type) -> Tensor {
        var out = Tensor(uninitializedShape: queries.shape, dtype: .int64)
        let n = count
        withUnsafeBuffer(as: T.self) { bd in
            queries.withUnsafeBuffer(as: T.self) { q in
                out.withUnsafeMutableBuffer(as: Int64.self) { dst in
                    let bd = bd.baseAddress!, q = q.baseAddress!, dst = dst.baseAddress!
                    Parallelism.forEachChunk(queries.count, minimumPerTask: 1 << 14) { _, r in
                        for i in r {
                            let v = q[i]
                            var lo = 0, hi = n
                            // Negated comparisons, as PyTorch writes them, so NaNs land where they do there.
                            while lo < hi {
                                let mid = lo + (hi - lo) >> 1
                                let goRight = right ? !(bd[mid] > v) : !(bd[mid] >= v)
                                if goRight { lo = mid + 1 } else { hi = mid }
                            }
                            dst[i] = Int64(lo)
                        }
                    }
                }
            }
        }
        return out
    }
}
