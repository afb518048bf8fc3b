import OrderedCollections
public import VernierTensor

/// How a ``CompositionalMetric`` combines the values of its two operands,
/// elementwise with broadcasting (the tensor kernels' rules and dtypes).
public enum CompositionOperator: Sendable, Equatable, CustomStringConvertible {
    /// Arithmetic: `add`, `sub`, `mul`, `div` (true division: IEEE ±inf or
    /// NaN for a zero divisor, as TorchMetrics), `pow`, `maximum`, `minimum`,
    /// `remainder`, `floor_divide`.
    case binary(BinaryOp)
    /// A comparison giving a bool tensor: `eq`, `ne`, `lt`, `le`, `gt`, `ge`.
    case compare(CompareOp)
    /// A logical operation on truth values (`x != 0`) giving a bool tensor.
    case logical(LogicalOp)

    /// The kernel's name (`add`, `lt`, `and`).
    public var description: String {
        switch self {
        case .binary(let op): return op.rawValue
        case .compare(let op): return op.rawValue
        case .logical(let op): return op.rawValue
        }
    }
}

/// How a ``CompositionalMetric`` transforms the value of its one operand.
public enum UnaryCompositionOperator: String, Sendable, Equatable, CustomStringConvertible {
    /// `|x|` elementwise.
    case abs
    /// `-x` elementwise (a bool value becomes int64).
    case neg

    /// The operator's name (`abs`, `neg`).
    public var description: String { rawValue }
}

/// One side of a binary composition: a metric, or a constant.
public enum CompositionOperand {
    /// A metric: updated with its own inputs, its computed value used.
    case metric(any Metric)
    /// A number, taking the other side's dtype within its category (PyTorch's
    /// weak scalar: `metric_float32 + 2` stays float32).
    case number(Double)
    /// A tensor constant, broadcast against the other side.
    case tensor(Tensor)

    var label: String {
        switch self {
        case .metric(let m): return m.name
        case .number(let x): return OptionValue.double(x).description
        case .tensor(let t): return "tensor\(t.shape)"
        }
    }

    var identity: OptionValue {
        switch self {
        case .metric(let m): return m.identity
        case .number(let x): return .double(x)
        case .tensor(let t): return .string("\(t.dtype.rawValue)\(t.shape)=\(t.toDoubles())")
        }
    }
}

/// A metric computed by applying an operator to other metrics' values
/// (TorchMetrics' `CompositionalMetric`): `mse + mae`, `acc * 100`,
/// `abs(a - b)`, `a .> b`.
///
/// - `update` feeds every metric operand, each with only its own declared
///   inputs; `compute` applies the operator to the operands' computed values
///   (tensors; broadcasting as in the tensor kernels).
/// - The operands' states are this metric's states (laid out as in a
///   ``MetricCollection`` of the operands, so two operands that declare the
///   same state identity share one state), and merge, checkpoints and sync
///   work on the whole composition. Operands are definitions: their own
///   states are neither read nor changed.
/// - Compositions nest (`(a + b) / 2`) and work inside collections.
///
/// Edge cases: an operand whose value is a list or a dictionary is an error
/// at compute; so are shapes that do not broadcast and an integer power with
/// a negative exponent. Division follows IEEE (a zero divisor gives ±inf or
/// NaN), exactly as the same operation on TorchMetrics' tensors.
///
/// ```swift
/// let gap = abs(try MeanSquaredError() - MeanAbsoluteError())
/// try gap.update(preds: preds, target: target)
/// ```
public final class CompositionalMetric: Metric {
    /// `operator(lhs, rhs)` with the operands' names (`add(mean_squared_error, 2.0)`),
    /// the default member name inside a collection.
    public let name: String
    /// `operator` and each side's identity (a metric's `name(options)`, or the constant).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage
    /// The operands' states.
    private let operands: MetricCollection
    /// Each side in order: a metric (its value comes from `operands`) or a constant.
    private let sides: [Side]
    /// Builds the value from the sides' tensors, in order.
    private let kernel: @Sendable ([Tensor]) throws -> Tensor

    private enum Side {
        case metric
        case number(Double)
        case tensor(Tensor)
    }

    /// `lhs op rhs`, where either side may be a constant.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   neither side is a metric.
    public convenience init(_ op: CompositionOperator, _ lhs: CompositionOperand, _ rhs: CompositionOperand) throws {
        switch (lhs, rhs) {
        case (.metric, _), (_, .metric): self.init(op, withMetric: lhs, rhs)
        default:
            throw MetricError.invalidOption(metric: "\(op)(\(lhs.label), \(rhs.label))", option: "operands", expected: "at least one metric operand")
        }
    }

    /// `lhs op rhs` for two metrics.
    public convenience init(_ op: CompositionOperator, _ lhs: any Metric, _ rhs: any Metric) {
        self.init(op, withMetric: .metric(lhs), .metric(rhs))
    }

    /// `lhs op rhs` where the caller guarantees a metric side (the operators).
    convenience init(_ op: CompositionOperator, withMetric lhs: CompositionOperand, _ rhs: CompositionOperand) {
        let kernel: @Sendable ([Tensor]) throws -> Tensor
        switch op {
        case .binary(let b): kernel = { try Tensor.binary(b, $0[0], $0[1]) }
        case .compare(let c): kernel = { try Tensor.compare(c, $0[0], $0[1]) }
        case .logical(let l): kernel = { try Tensor.logical(l, $0[0], $0[1]) }
        }
        self.init(name: "\(op)(\(lhs.label), \(rhs.label))", operator: op.description, sides: [("lhs", lhs), ("rhs", rhs)], kernel: kernel)
    }

    /// `op(operand)`.
    public convenience init(_ op: UnaryCompositionOperator, _ operand: any Metric) {
        self.init(name: "\(op)(\(operand.name))", operator: op.description, sides: [("operand", .metric(operand))]) { values in
            switch op {
            case .abs: return values[0].abs()
            case .neg: return -values[0]
            }
        }
    }

    private init(name: String, operator op: String, sides: [(String, CompositionOperand)], kernel: @escaping @Sendable ([Tensor]) throws -> Tensor) {
        var metrics = OrderedDictionary<String, any Metric>()
        var opts = OrderedDictionary<String, OptionValue>()
        opts["operator"] = .string(op)
        self.sides = sides.map { label, operand in
            opts[label] = operand.identity
            switch operand {
            case .metric(let m): metrics[label] = m; return .metric
            case .number(let x): return .number(x)
            case .tensor(let t): return .tensor(t)
            }
        }
        // Every initialiser that reaches here has checked for a metric operand.
        precondition(!metrics.isEmpty, "a composition needs a metric operand")
        operands = MetricCollection(validated: metrics, prefix: nil, postfix: nil, computeGroups: true)
        self.name = name
        options = MetricOptions(opts)
        storage = MetricStorage(operands.layout.specs)
        self.kernel = kernel
    }

    /// Arguments any metric operand requires.
    public var inputNames: [String] { operands.inputNames }
    /// Arguments metric operands accept but none requires.
    public var optionalInputNames: [String] { operands.optionalInputNames }
    /// True when any metric operand needs the full-state `forward`.
    public var fullStateUpdate: Bool { operands.fullStateUpdate }
    /// True when every metric operand is batch invariant.
    public var isBatchInvariant: Bool { operands.isBatchInvariant }

    /// Feeds every metric operand its own inputs.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try operands.updateState(&state, with: inputs)
    }

    /// The operator applied to the operands' values.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when an operand's value
    ///   is not a tensor, or the operation fails (shapes that do not broadcast).
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let values = try operands.memberValues(from: state)
        let tensors = try values.enumerated().map { i, v -> Tensor in
            guard case .tensor(let t) = v else {
                throw MetricError.failed(metric: name, detail: "operand \(operands.members.values[i].name) computed a list or dictionary; only tensor values compose")
            }
            return t
        }
        // A number takes its dtype from the metric beside it (a weak scalar).
        var next = 0
        let arguments = sides.map { side -> Tensor in
            switch side {
            case .metric: defer { next += 1 }; return tensors[next]
            case .number(let x): return tensors[0].scalarOperand(x)
            case .tensor(let t): return t
            }
        }
        do { return .tensor(try kernel(arguments)) } catch let e as TensorError {
            throw MetricError.failed(metric: name, detail: "\(e)")
        }
    }
}

// MARK: Operators

precedencegroup ExponentiationPrecedence {
    associativity: right
    higherThan: MultiplicationPrecedence
}

/// `a ** b`: elementwise power (TorchMetrics' `metric ** 2`).
infix operator ** : ExponentiationPrecedence

/// `a + b` of two metrics' values.
public func + (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.add), lhs, rhs) }
/// `a + x`.
public func + (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.binary(.add), withMetric: .metric(lhs), .number(rhs)) }
/// `x + a`.
public func + (lhs: Double, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.add), withMetric: .number(lhs), .metric(rhs)) }
/// `a - b` of two metrics' values.
public func - (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.sub), lhs, rhs) }
/// `a - x`.
public func - (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.binary(.sub), withMetric: .metric(lhs), .number(rhs)) }
/// `x - a`.
public func - (lhs: Double, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.sub), withMetric: .number(lhs), .metric(rhs)) }
/// `a * b` of two metrics' values.
public func * (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.mul), lhs, rhs) }
/// `a * x`.
public func * (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.binary(.mul), withMetric: .metric(lhs), .number(rhs)) }
/// `x * a`.
public func * (lhs: Double, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.mul), withMetric: .number(lhs), .metric(rhs)) }
/// `a / b`: true division (a zero divisor gives ±inf or NaN, IEEE).
public func / (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.div), lhs, rhs) }
/// `a / x`.
public func / (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.binary(.div), withMetric: .metric(lhs), .number(rhs)) }
/// `x / a`.
public func / (lhs: Double, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.div), withMetric: .number(lhs), .metric(rhs)) }
/// `a ** b` elementwise.
public func ** (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.pow), lhs, rhs) }
/// `a ** x` (an integer value with a negative exponent is an error at compute).
public func ** (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.binary(.pow), withMetric: .metric(lhs), .number(rhs)) }
/// `x ** a`.
public func ** (lhs: Double, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.binary(.pow), withMetric: .number(lhs), .metric(rhs)) }
/// `-a` elementwise.
public prefix func - (operand: any Metric) -> CompositionalMetric { CompositionalMetric(.neg, operand) }
/// `|a|` elementwise.
public func abs(_ operand: any Metric) -> CompositionalMetric { CompositionalMetric(.abs, operand) }

// Comparisons use the pointwise spellings (`.==`, `.<`, as for SIMD masks):
// they give bool tensors, and `==` keeps its Bool meaning everywhere else.

/// `a == b` elementwise (bool tensor).
public func .== (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.compare(.eq), lhs, rhs) }
/// `a == x` elementwise.
public func .== (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.compare(.eq), withMetric: .metric(lhs), .number(rhs)) }
/// `a != b` elementwise.
public func .!= (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.compare(.ne), lhs, rhs) }
/// `a != x` elementwise.
public func .!= (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.compare(.ne), withMetric: .metric(lhs), .number(rhs)) }
/// `a < b` elementwise.
public func .< (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.compare(.lt), lhs, rhs) }
/// `a < x` elementwise.
public func .< (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.compare(.lt), withMetric: .metric(lhs), .number(rhs)) }
/// `a <= b` elementwise.
public func .<= (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.compare(.le), lhs, rhs) }
/// `a <= x` elementwise.
public func .<= (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.compare(.le), withMetric: .metric(lhs), .number(rhs)) }
/// `a > b` elementwise.
public func .> (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.compare(.gt), lhs, rhs) }
/// `a > x` elementwise.
public func .> (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.compare(.gt), withMetric: .metric(lhs), .number(rhs)) }
/// `a >= b` elementwise.
public func .>= (lhs: any Metric, rhs: any Metric) -> CompositionalMetric { CompositionalMetric(.compare(.ge), lhs, rhs) }
/// `a >= x` elementwise.
public func .>= (lhs: any Metric, rhs: Double) -> CompositionalMetric { CompositionalMetric(.compare(.ge), withMetric: .metric(lhs), .number(rhs)) }
