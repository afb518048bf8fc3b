import VernierTensor

/// How a metric state is combined across batches merged from several
/// instances (``Metric/merge(_:)``) and across ranks (``Metric/sync(over:)``).
///
/// - `sum`, `min`, `max`: elementwise over the instances' tensors.
/// - `mean`: the unweighted elementwise mean over instances (TorchMetrics'
///   meaning). It is not a running mean: prefer a `sum` state plus a count.
/// - `cat`: list states; the lists are concatenated in rank order (merge:
///   receiver first).
/// - `custom`: every instance's tensor is gathered, in rank order, and the
///   reducer maps that list to the combined tensor.
public enum Reduction: Sendable, CustomStringConvertible {
    case sum, mean, min, max, cat
    case custom(CustomReduction)

    /// The name used in checkpoints, Lua and fingerprints (`"sum"`, `"cat"`, `"custom:NAME"`).
    public var description: String {
        switch self {
        case .sum: return "sum"
        case .mean: return "mean"
        case .min: return "min"
        case .max: return "max"
        case .cat: return "cat"
        case .custom(let c): return "custom:\(c.name)"
        }
    }

    /// Combines the values of one state from several instances, in order.
    ///
    /// - Throws: ``MetricError/stateMismatch(metric:state:detail:)`` when the
    ///   values do not have matching shapes or kinds.
    public func combine(_ values: [StateValue], metric: String, state: String) throws -> StateValue {
        precondition(!values.isEmpty, "combine needs at least one value")
        if case .cat = self {
            var all: [Tensor] = []
            for v in values {
                guard case .list(let items) = v else {
                    throw MetricError.stateMismatch(metric: metric, state: state, detail: "a cat state must be a list")
                }
                all.append(contentsOf: items)
            }
            return .list(all)
        }
        var tensors: [Tensor] = []
        for v in values {
            guard case .tensor(let t) = v else {
                throw MetricError.stateMismatch(metric: metric, state: state, detail: "a \(self) state must be a tensor")
            }
            tensors.append(t)
        }
        if case .custom(let c) = self { return .tensor(try c.reduce(tensors)) }
        let first = tensors[0]
        for t in tensors.dropFirst() where t.shape != first.shape {
            throw MetricError.stateMismatch(metric: metric, state: state, detail: "shapes \(first.shape) and \(t.shape) differ")
        }
        var acc = first
        for t in tensors.dropFirst() {
            switch self {
            case .sum, .mean: acc = try Tensor.binary(.add, acc, t).cast(first.dtype)
            case .min: acc = try Tensor.binary(.minimum, acc, t).cast(first.dtype)
            case .max: acc = try Tensor.binary(.maximum, acc, t).cast(first.dtype)
            case .cat, .custom: fatalError("unreachable")
            }
        }
        if case .mean = self, tensors.count > 1 {
            acc = (acc.asFloatingPoint() / Double(tensors.count)).cast(first.dtype.isFloatingPoint ? first.dtype : .float32)
        }
        return .tensor(acc)
    }
}

/// A user-defined reduction: receives one tensor per instance (rank order)
/// and returns the combined tensor.
public struct CustomReduction: Sendable {
    /// A name that identifies the reducer in fingerprints and checkpoints.
    public let name: String
    /// The reducer.
    public let reduce: @Sendable ([Tensor]) throws -> Tensor

    public init(name: String, reduce: @escaping @Sendable ([Tensor]) throws -> Tensor) {
        self.name = name
        self.reduce = reduce
    }
}
