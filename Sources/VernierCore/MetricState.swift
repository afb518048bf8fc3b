import VernierTensor

/// The value of one metric state: a tensor of fixed shape, or the growing
/// list of tensors of a `cat` state.
public enum StateValue: Sendable {
    case tensor(Tensor)
    case list([Tensor])

    /// The tensor of a tensor state; a list state is concatenated along axis 0.
    public var tensorValue: Tensor? {
        switch self {
        case .tensor(let t): return t
        case .list(let items): return items.isEmpty ? nil : try? Tensor.concatenate(items, axis: 0)
        }
    }

    /// Bytes held by the state's elements.
    public var byteCount: Int {
        switch self {
        case .tensor(let t): return t.byteCount
        case .list(let items): return items.reduce(0) { $0 + $1.byteCount }
        }
    }

    /// Whether both values hold identical tensors (NaN equals NaN).
    public func isIdentical(to other: StateValue) -> Bool {
        switch (self, other) {
        case (.tensor(let a), .tensor(let b)): return a.isIdentical(to: b)
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        default: return false
        }
    }
}

/// The declaration of one metric state: its name, its value after `reset`,
/// and how it is reduced across instances and ranks.
///
/// A `cat` state starts as an empty list; every other reduction needs a
/// tensor default (whose shape is fixed for the metric's lifetime).
public struct StateSpec: Sendable {
    public let name: String
    public let initial: StateValue
    public let reduction: Reduction

    /// A tensor state.
    public init(_ name: String, _ initial: Tensor, _ reduction: Reduction) {
        precondition({ if case .cat = reduction { return false }; return true }(), "state \(name): a cat state is a list; use StateSpec(list:)")
        self.name = name
        self.initial = .tensor(initial)
        self.reduction = reduction
    }

    /// A `cat` state: an empty list that batches are appended to.
    public init(list name: String) {
        self.name = name
        self.initial = .list([])
        self.reduction = .cat
    }

    /// The declaration as text, used by state-layout fingerprints:
    /// `name:reduction:dtype[shape]` (`list` for cat states).
    public var signature: String {
        switch initial {
        case .tensor(let t): return "\(name):\(reduction):\(t.dtype.rawValue)\(t.shape)"
        case .list: return "\(name):\(reduction):list"
        }
    }
}

/// The states of one metric instance, in declaration order.
///
/// Order is part of the contract: merges, checkpoints and distributed
/// collectives walk states in this order on every rank.
public struct MetricState: Sendable {
    /// The declarations, in order.
    public let specs: [StateSpec]
    /// The current values, parallel to `specs`.
    public private(set) var values: [StateValue]

    /// Fresh states (every value at its default).
    public init(specs: [StateSpec]) {
        var seen = Set<String>()
        for s in specs { precondition(seen.insert(s.name).inserted, "duplicate state name \(s.name)") }
        self.specs = specs
        self.values = specs.map(\.initial)
    }

    /// The position of the state called `name`.
    public func index(of name: String) -> Int? { specs.firstIndex { $0.name == name } }

    /// The tensor of the tensor state called `name`.
    ///
    /// - Precondition: the state exists and is a tensor state (a programming error otherwise).
    public subscript(name: String) -> Tensor {
        get {
            guard let i = index(of: name), case .tensor(let t) = values[i] else {
                preconditionFailure("no tensor state named \(name)")
            }
            return t
        }
        set {
            guard let i = index(of: name), case .tensor(let old) = values[i] else {
                preconditionFailure("no tensor state named \(name)")
            }
            precondition(old.shape == newValue.shape, "state \(name): shape \(newValue.shape) differs from \(old.shape)")
            values[i] = .tensor(newValue.dtype == old.dtype ? newValue : newValue.cast(old.dtype))
        }
    }

    /// The items of the `cat` state called `name`.
    public func list(_ name: String) -> [Tensor] {
        guard let i = index(of: name), case .list(let items) = values[i] else {
            preconditionFailure("no list state named \(name)")
        }
        return items
    }

    /// Appends a batch to the `cat` state called `name`.
    public mutating func append(_ name: String, _ tensor: Tensor) {
        guard let i = index(of: name), case .list(var items) = values[i] else {
            preconditionFailure("no list state named \(name)")
        }
        values[i] = .list([])
        items.append(tensor)
        values[i] = .list(items)
    }

    /// The `cat` state called `name` concatenated along axis 0, or nil when empty.
    public func concatenated(_ name: String) -> Tensor? {
        let items = list(name)
        if items.isEmpty { return nil }
        if items.count == 1 { return items[0] }
        return try? Tensor.concatenate(items, axis: 0)
    }

    /// Replaces the value at position `i`, checking it against the declaration.
    ///
    /// - Throws: ``MetricError/stateMismatch(metric:state:detail:)`` when the
    ///   kind, dtype or shape does not match the declaration.
    public mutating func setValue(_ value: StateValue, at i: Int, metric: String) throws {
        let spec = specs[i]
        switch (spec.initial, value) {
        case (.tensor(let d), .tensor(let t)):
            guard d.shape == t.shape else {
                throw MetricError.stateMismatch(metric: metric, state: spec.name, detail: "expected shape \(d.shape), got \(t.shape)")
            }
            values[i] = .tensor(t.dtype == d.dtype ? t : t.cast(d.dtype))
        case (.list, .list):
            values[i] = value
        default:
            throw MetricError.stateMismatch(metric: metric, state: spec.name, detail: "expected a \(spec.reduction) state")
        }
    }

    /// Every state back to its default.
    public mutating func reset() { values = specs.map(\.initial) }

    /// Combines these states with others of the same declaration, state by
    /// state, with each state's reduction (receiver first).
    public func merged(with others: [MetricState], metric: String) throws -> MetricState {
        var out = self
        for other in others where other.layoutSignature != layoutSignature {
            throw MetricError.stateMismatch(metric: metric, state: "*", detail: "state layouts differ: \(layoutSignature) vs \(other.layoutSignature)")
        }
        for (i, spec) in specs.enumerated() {
            let combined = try spec.reduction.combine([values[i]] + others.map { $0.values[i] }, metric: metric, state: spec.name)
            try out.setValue(combined, at: i, metric: metric)
        }
        return out
    }

    /// The declarations as one string (see ``StateSpec/signature``).
    public var layoutSignature: String { specs.map(\.signature).joined(separator: ";") }

    /// Bytes held by all states.
    public var byteCount: Int { values.reduce(0) { $0 + $1.byteCount } }
}
