import VernierTensor

/// One update argument: a tensor, a list of strings (text metrics'
/// predictions), or a list of string lists (several references per prediction).
public enum MetricInput: Sendable {
    case tensor(Tensor)
    case strings([String])
    case stringLists([[String]])

    /// The number of rows (first-axis length; 1 for a scalar tensor).
    public var rowCount: Int {
        switch self {
        case .tensor(let t): return t.rank == 0 ? 1 : t.shape[0]
        case .strings(let s): return s.count
        case .stringLists(let s): return s.count
        }
    }

    /// Rows `range` along the first axis (a scalar tensor is returned whole).
    public func rows(_ range: Range<Int>) throws -> MetricInput {
        switch self {
        case .tensor(let t): return t.rank == 0 ? self : .tensor(try t.slice(axis: 0, start: range.lowerBound, end: range.upperBound))
        case .strings(let s): return .strings(Array(s[range]))
        case .stringLists(let s): return .stringLists(Array(s[range]))
        }
    }
}

/// The named arguments of one `update` call (TorchMetrics' argument names:
/// `preds`, `target`, `indexes`, `value`, `weight`, `groups`, ...).
public struct MetricInputs: Sendable, ExpressibleByDictionaryLiteral {
    public var values: [String: MetricInput]

    public init(_ values: [String: MetricInput] = [:]) { self.values = values }

    public init(dictionaryLiteral elements: (String, Tensor)...) {
        values = Dictionary(uniqueKeysWithValues: elements.map { ($0.0, MetricInput.tensor($0.1)) })
    }

    /// `preds` and `target` tensors.
    public init(preds: Tensor, target: Tensor) {
        values = ["preds": .tensor(preds), "target": .tensor(target)]
    }

    public subscript(name: String) -> MetricInput? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The tensor argument `name`.
    ///
    /// - Throws: ``MetricError/missingInput(metric:argument:)`` or
    ///   ``MetricError/invalidInput(metric:argument:expected:)`` when it is not a tensor.
    public func tensor(_ name: String, metric: String) throws -> Tensor {
        guard let v = values[name] else { throw MetricError.missingInput(metric: metric, argument: name) }
        guard case .tensor(let t) = v else {
            throw MetricError.invalidInput(metric: metric, argument: name, expected: "a tensor")
        }
        return t
    }

    /// The optional tensor argument `name` (nil when absent).
    public func optionalTensor(_ name: String, metric: String) throws -> Tensor? {
        values[name] == nil ? nil : try tensor(name, metric: metric)
    }

    /// The inputs restricted to rows `range` along the first axis.
    public func rows(_ range: Range<Int>) throws -> MetricInputs {
        MetricInputs(try values.mapValues { try $0.rows(range) })
    }

    /// The common number of rows (the first argument's, by name order).
    public var rowCount: Int { values.keys.sorted().first.map { values[$0]!.rowCount } ?? 0 }
}
