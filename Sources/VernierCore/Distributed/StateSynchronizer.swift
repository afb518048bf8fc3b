import VernierTensor

/// Reduces one metric's states across the ranks of a backend (the engine
/// of ``Metric/sync(over:deadline:)``).
///
/// Collectives, identical in number and order on every rank because they
/// follow the declaration order of a layout every rank has checked:
/// 1. one all-gather of a small int64 header per rank: the layout
///    fingerprint, the update count, and the shape and dtype of each `cat`
///    state's local rows. Everything a rank could find wrong with its own
///    states travels in the header, so problems are raised on every rank
///    after this step instead of leaving the others waiting;
/// 2. one all-reduce per (operation, dtype) bucket: every `sum`, `min` and
///    `max` state is flattened into the bucket of its operation and wire
///    dtype (int32, uint8 and bool travel as int64), in declaration order.
///    Elementwise reductions do not care what sits next to an element, so
///    this equals one all-reduce per state at a fraction of the latency;
/// 3. one all-gather per `cat`, `mean` and `custom` state, in declaration
///    order (a `cat` state no rank has items for is skipped by all ranks,
///    which all know it from the headers).
/// Reducers run only after the last collective: a reducer that throws does
/// so on every rank (same inputs everywhere) without desynchronising them.
struct StateSynchronizer {
    let metric: String
    let state: MetricState
    let updateCount: Int
    let fingerprint: Int64
    /// The positions of the `cat` states, in declaration order.
    let catIndices: [Int]

    init(metric: String, options: MetricOptions, state: MetricState, updateCount: Int) {
        self.metric = metric
        self.state = state
        self.updateCount = updateCount
        self.catIndices = state.specs.indices.filter { if case .cat = state.specs[$0].reduction { return true }; return false }
        self.fingerprint = StateSynchronizer.fingerprint(metric: metric, options: options, layout: state.layoutSignature)
    }

    /// FNV-1a (64 bit) of the metric name, its canonical options and its
    /// state layout. Swift's `Hasher` is seeded per process, so it cannot be
    /// compared across ranks.
    static func fingerprint(metric: String, options: MetricOptions, layout: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(metric)\u{1F}\(options.description)\u{1F}\(layout)".utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: h)
    }

    /// The reduced states (declaration order) and the summed update count.
    func run(on backend: any Backend, deadline: Deadline) throws -> (values: [StateValue], updateCount: Int) {
        let catRows = catIndices.map { localRows(state.values[$0]) }
        let headers = try backend.allGather(header(catRows), label: "metric '\(metric)', state layout check", deadline: deadline)
        let decoded = try decodeHeaders(headers.parts, backend: backend)
        let elements = try agreedCatElements(decoded, backend: backend)

        var values = state.values
        for bucket in buckets { try reduce(bucket, into: &values, backend: backend, deadline: deadline) }

        var gathered: [Int: GatheredTensor] = [:]
        var k = 0
        for (i, spec) in state.specs.enumerated() {
            switch spec.reduction {
            case .sum, .min, .max:
                continue
            case .cat:
                defer { k += 1 }
                guard let element = elements[k] else { continue }
                let rows = catRows[k].tensor ?? Tensor.zeros([0] + element.shape, dtype: element.dtype)
                gathered[i] = try backend.allGather(rows, label: label(spec), deadline: deadline)
            case .mean, .custom:
                guard case .tensor(let t) = values[i] else { preconditionFailure("tensor state holds a list") }
                gathered[i] = try backend.allGather(try t.reshaped([1] + t.shape), label: label(spec), deadline: deadline)
            }
        }

        for (i, spec) in state.specs.enumerated() {
            guard let g = gathered[i] else {
                if case .cat = spec.reduction { values[i] = .list([]) }
                continue
            }
            switch spec.reduction {
            case .cat:
                values[i] = .list(g.concatenated.shape[0] == 0 ? [] : [g.concatenated])
            case .mean, .custom:
                guard case .tensor(let t) = values[i] else { preconditionFailure("tensor state holds a list") }
                let parts = try g.parts.map { StateValue.tensor(try $0.reshaped(t.shape)) }
                values[i] = try spec.reduction.combine(parts, metric: metric, state: spec.name)
            case .sum, .min, .max:
                continue
            }
        }
        return (values, decoded.reduce(0) { $0 + $1.updateCount })
    }

    // MARK: - Header

    /// A rank's local rows of one `cat` state.
    enum LocalRows {
        case none
        case rows(Tensor)
        /// The items do not concatenate (the message says why).
        case invalid(String)

        var tensor: Tensor? { if case .rows(let t) = self { return t }; return nil }
    }

    /// The list's items concatenated along axis 0; zero-dimensional items
    /// count as one row each (TorchMetrics' `dim_zero_cat`).
    func localRows(_ value: StateValue) -> LocalRows {
        guard case .list(let items) = value, !items.isEmpty else { return .none }
        do {
            let rows = try items.map { $0.rank == 0 ? try $0.reshaped([1]) : $0 }
            return .rows(try Tensor.concatenate(rows, axis: 0))
        } catch {
            return .invalid("\(error)")
        }
    }

    /// `[fingerprint, updateCount, per cat state: 0 (no items) | -1 (invalid) | ndim, dtype, dims...]`.
    func header(_ catRows: [LocalRows]) -> Tensor {
        var h: [Int64] = [fingerprint, Int64(updateCount)]
        for rows in catRows {
            switch rows {
            case .none: h.append(0)
            case .invalid: h.append(-1)
            case .rows(let t):
                h.append(Int64(t.rank))
                h.append(Int64(DType.allCases.firstIndex(of: t.dtype)!))
                h.append(contentsOf: t.shape.map { Int64($0) })
            }
        }
        return Tensor(h)
    }

    struct RankHeader {
        let fingerprint: Int64
        let updateCount: Int
        /// Per cat state: nil when the rank has no items.
        let catShapes: [(dtype: DType, shape: [Int])?]
        let invalidCats: [Int]
    }

    /// Decodes every rank's header after checking that all fingerprints
    /// agree (so all headers have this rank's structure).
    func decodeHeaders(_ parts: [Tensor], backend: any Backend) throws -> [RankHeader] {
        let fingerprints = parts.map { $0.shape[0] > 0 ? $0.int64Element(at: 0) : 0 }
        if let other = fingerprints.indices.first(where: { fingerprints[$0] != fingerprint }) {
            let list = fingerprints.enumerated().map { "rank \($0.offset): \(hex($0.element))" }.joined(separator: ", ")
            throw MetricError.stateMismatch(
                metric: metric, state: "*",
                detail: "ranks disagree on the metric, its options or its state layout (rank \(other) differs from rank \(backend.rank)); "
                    + "fingerprints \(list); rank \(backend.rank) has layout '\(state.layoutSignature)'. "
                    + "Every rank must sync the same metrics, built with the same options, in the same order")
        }
        return try parts.enumerated().map { r, t in
            let v = t.toArray(Int64.self)
            var pos = 2
            func next() throws -> Int64 {
                guard pos < v.count else {
                    throw MetricError.stateMismatch(metric: metric, state: "*", detail: "rank \(r) sent a truncated sync header")
                }
                defer { pos += 1 }
                return v[pos]
            }
            var shapes: [(dtype: DType, shape: [Int])?] = []
            var invalid: [Int] = []
            for k in catIndices.indices {
                let ndim = try next()
                if ndim == 0 { shapes.append(nil); continue }
                if ndim < 0 { shapes.append(nil); invalid.append(k); continue }
                let code = Int(try next())
                guard DType.allCases.indices.contains(code) else {
                    throw MetricError.stateMismatch(metric: metric, state: "*", detail: "rank \(r) sent an unknown dtype code \(code)")
                }
                shapes.append((DType.allCases[code], try (0..<ndim).map { _ in Int(try next()) }))
            }
            return RankHeader(fingerprint: v[0], updateCount: Int(v[1]), catShapes: shapes, invalidCats: invalid)
        }
    }

    /// Per cat state: the element shape (after the first axis) and dtype
    /// every rank with items agrees on, or nil when no rank has items.
    func agreedCatElements(_ headers: [RankHeader], backend: any Backend) throws -> [(dtype: DType, shape: [Int])?] {
        try catIndices.enumerated().map { k, i in
            let name = state.specs[i].name
            if let bad = headers.indices.first(where: { headers[$0].invalidCats.contains(k) }) {
                var detail = "rank \(bad)'s items do not concatenate along the first axis"
                if bad == backend.rank, case .invalid(let why) = localRows(state.values[i]) { detail += " (\(why))" }
                throw MetricError.stateMismatch(metric: metric, state: name, detail: detail)
            }
            let present = headers.indices.compactMap { r in headers[r].catShapes[k].map { (rank: r, dtype: $0.dtype, element: Array($0.shape.dropFirst())) } }
            guard let first = present.first else { return nil }
            if let other = present.first(where: { $0.dtype != first.dtype || $0.element != first.element }) {
                throw MetricError.stateMismatch(
                    metric: metric, state: name,
                    detail: "ranks hold rows of different element shape or dtype: rank \(first.rank) has \(first.dtype.rawValue) [*\(first.element.map { ", \($0)" }.joined())], "
                        + "rank \(other.rank) has \(other.dtype.rawValue) [*\(other.element.map { ", \($0)" }.joined())]")
            }
            return (first.dtype, first.element)
        }
    }

    // MARK: - All-reduce buckets

    struct Bucket {
        let op: AllReduceOp
        let wire: DType
        var indices: [Int]
    }

    /// The sum/min/max states grouped by (operation, wire dtype), in order of
    /// first appearance.
    var buckets: [Bucket] {
        var out: [Bucket] = []
        for (i, spec) in state.specs.enumerated() {
            let op: AllReduceOp
            switch spec.reduction {
            case .sum: op = .sum
            case .min: op = .min
            case .max: op = .max
            case .mean, .cat, .custom: continue
            }
            guard case .tensor(let t) = state.values[i] else { preconditionFailure("tensor state holds a list") }
            let wire = t.dtype.isFloatingPoint ? t.dtype : .int64
            if let b = out.firstIndex(where: { $0.op == op && $0.wire == wire }) {
                out[b].indices.append(i)
            } else {
                out.append(Bucket(op: op, wire: wire, indices: [i]))
            }
        }
        return out
    }

    func reduce(_ bucket: Bucket, into values: inout [StateValue], backend: any Backend, deadline: Deadline) throws {
        let tensors = bucket.indices.map { i -> Tensor in
            guard case .tensor(let t) = values[i] else { preconditionFailure("tensor state holds a list") }
            return t
        }
        var flat = try Tensor.concatenate(tensors.map { $0.cast(bucket.wire).flattened() }, axis: 0)
        let names = bucket.indices.map { "'\(state.specs[$0].name)'" }
        let shown = names.count <= 4 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
        try backend.allReduce(&flat, bucket.op, label: "metric '\(metric)', state\(names.count == 1 ? "" : "s") \(shown) (\(bucket.op.rawValue), \(bucket.wire.rawValue))", deadline: deadline)
        var offset = 0
        for (i, t) in zip(bucket.indices, tensors) {
            let part = try flat.slice(axis: 0, start: offset, end: offset + t.count).reshaped(t.shape)
            values[i] = .tensor(part.cast(t.dtype))
            offset += t.count
        }
    }

    func label(_ spec: StateSpec) -> String { "metric '\(metric)', state '\(spec.name)' (\(spec.reduction))" }

    func hex(_ v: Int64) -> String { "0x" + String(UInt64(bitPattern: v), radix: 16) }
}
