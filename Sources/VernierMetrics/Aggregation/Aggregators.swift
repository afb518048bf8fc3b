import VernierCore
import VernierTensor

/// What the aggregation metrics do with NaN values (TorchMetrics'
/// `nan_strategy`).
public enum NanStrategy: Sendable, Equatable {
    /// Reject a batch holding NaN (the state is unchanged).
    case error
    /// Remove NaN values (TorchMetrics warns; Vernier removes them silently, like `ignore`).
    case warn
    /// Remove NaN values.
    case ignore
    /// No check: NaN flows into the result.
    case disable
    /// Replace NaN values by this number (and, for `mean`, their weight by 1).
    case fill(Double)

    static let option = OptionSpec("nan_strategy", .oneOf([.choice(["error", "warn", "ignore", "disable"]), .double()]), default: .string("warn"),
                                   help: "error, warn (remove), ignore (remove), disable, or a number to replace NaN with")

    init(_ options: MetricOptions) {
        switch options["nan_strategy"] {
        case .string("error"): self = .error
        case .string("ignore"): self = .ignore
        case .string("disable"): self = .disable
        case .double(let d): self = .fill(d)
        default: self = .warn
        }
    }

    /// The value option for a Swift initialiser.
    var optionValue: OptionValue {
        switch self {
        case .error: return .string("error")
        case .warn: return .string("warn")
        case .ignore: return .string("ignore")
        case .disable: return .string("disable")
        case .fill(let d): return .double(d)
        }
    }

    /// `value` (and `weight`, broadcast to its shape) as float64 after the
    /// strategy. Positions where either is NaN are removed (flattening the
    /// result), filled, kept, or rejected.
    func apply(_ value: Tensor, weight: Tensor?, metric: String) throws -> (value: Tensor, weight: Tensor) {
        var v = value.cast(.float64)
        var w: Tensor
        if let weight {
            do { w = try weight.cast(.float64).broadcast(to: v.shape) } catch {
                throw MetricError.invalidInput(metric: metric, argument: "weight", expected: "a shape that broadcasts to value's \(value.shape), got \(weight.shape)")
            }
        } else {
            w = .ones(v.shape, dtype: .float64)
        }
        if self == .disable { return (v, w) }
        let nan = v.isnan() || w.isnan()
        guard nan.cast(.uint8).sumAsDouble() > 0 else { return (v, w) }
        switch self {
        case .error:
            throw MetricError.invalidInput(metric: metric, argument: weight != nil && w.containsNaN() ? "weight" : "value", expected: "no NaN values (nan_strategy='error')")
        case .warn, .ignore:
            let keep = nan.logicalNot()
            v = try v.maskedSelect(keep)
            w = try w.maskedSelect(keep)
        case .fill(let x):
            v = try Tensor.where(nan, Tensor.scalar(x, dtype: .float64), v)
            w = try Tensor.where(nan, Tensor.scalar(1, dtype: .float64), w)
        case .disable: break
        }
        return (v, w)
    }
}

/// Declarations shared by the aggregation metrics.
enum AggregationSupport {
    static let inputs = ["value"]

    static func value(_ inputs: MetricInputs, metric: String) throws -> Tensor {
        try inputs.tensor("value", metric: metric)
    }
}

/// Sum of every value seen: `Σ value` (float). NaN handling by
/// `nan_strategy`; a batch emptied by NaN removal adds 0. Nothing left
/// after removing NaN everywhere: 0.
public final class SumMetric: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "sum", domain: .aggregation, summary: "sum of all values", options: [NanStrategy.option],
        inputs: AggregationSupport.inputs
    ) { try SumMetric(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec("value", .zeros([], dtype: .float64), .sum)])
    let nanStrategy: NanStrategy

    public init(options: MetricOptions) throws {
        self.options = options
        nanStrategy = NanStrategy(options)
    }

    public convenience init(nanStrategy: NanStrategy = .warn) throws { try self.init(["nan_strategy": nanStrategy.optionValue]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (v, _) = try nanStrategy.apply(AggregationSupport.value(inputs, metric: name), weight: nil, metric: name)
        state["value"] = state["value"] + Tensor.scalar(v.sumAsDouble(), dtype: .float64)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { .tensor(state["value"].cast(.float32)) }
}

/// Weighted mean of every value seen: `Σ wᵢ·vᵢ / Σ wᵢ` (`weight` defaults to
/// 1 and broadcasts to `value`). Positions where value or weight is NaN
/// follow `nan_strategy` (filled values get weight 1). No weight at all
/// (everything removed): NaN, as in TorchMetrics.
public final class MeanMetric: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "mean", domain: .aggregation, summary: "weighted mean of all values", options: [NanStrategy.option],
        inputs: AggregationSupport.inputs, optionalInputs: ["weight"]
    ) { try MeanMetric(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([
        StateSpec("mean_value", .zeros([], dtype: .float64), .sum),
        StateSpec("weight", .zeros([], dtype: .float64), .sum),
    ])
    let nanStrategy: NanStrategy

    public init(options: MetricOptions) throws {
        self.options = options
        nanStrategy = NanStrategy(options)
    }

    public convenience init(nanStrategy: NanStrategy = .warn) throws { try self.init(["nan_strategy": nanStrategy.optionValue]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let value = try AggregationSupport.value(inputs, metric: name)
        let (v, w) = try nanStrategy.apply(value, weight: inputs.optionalTensor("weight", metric: name), metric: name)
        if v.count == 0 { return }
        state["mean_value"] = state["mean_value"] + Tensor.scalar((v * w).sumAsDouble(), dtype: .float64)
        state["weight"] = state["weight"] + Tensor.scalar(w.sumAsDouble(), dtype: .float64)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor((state["mean_value"] / state["weight"]).cast(.float32))
    }
}

/// Minimum (or maximum) of every value seen. Starts at +inf (min) or -inf
/// (max), so a run whose values were all removed as NaN gives ±inf; with
/// `nan_strategy="disable"` a NaN makes the result NaN.
public final class ExtremumMetric: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "min", domain: .aggregation, summary: "minimum of all values", options: [NanStrategy.option],
        inputs: AggregationSupport.inputs
    ) { try ExtremumMetric(options: $0, maximum: false) }

    /// The `max` registry entry.
    public static let maxDescriptor = MetricDescriptor(
        name: "max", domain: .aggregation, summary: "maximum of all values", options: [NanStrategy.option],
        inputs: AggregationSupport.inputs
    ) { try ExtremumMetric(options: $0, maximum: true) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public let name: String
    let nanStrategy: NanStrategy
    let maximum: Bool

    public init(options: MetricOptions, maximum: Bool) throws {
        self.options = options
        self.maximum = maximum
        name = maximum ? "max" : "min"
        nanStrategy = NanStrategy(options)
        storage = MetricStorage([StateSpec("value", .scalar(maximum ? -.infinity : .infinity, dtype: .float64), maximum ? .max : .min)])
    }

    public convenience init(options: MetricOptions) throws { try self.init(options: options, maximum: false) }

    /// A min (or, with `maximum`, max) aggregator.
    public convenience init(maximum: Bool, nanStrategy: NanStrategy = .warn) throws {
        try self.init(options: MetricOptions.resolve(["nan_strategy": nanStrategy.optionValue], specs: [NanStrategy.option], metric: maximum ? "max" : "min"), maximum: maximum)
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let (v, _) = try nanStrategy.apply(AggregationSupport.value(inputs, metric: name), weight: nil, metric: name)
        if v.count == 0 { return }
        let batch = try v.reduce(maximum ? .max : .min)
        state["value"] = try Tensor.binary(maximum ? .maximum : .minimum, state["value"], batch)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { .tensor(state["value"].cast(.float32)) }
}

/// Every value seen, concatenated along axis 0 (scalars become one element;
/// a batch with NaN removed is flattened first). Nothing seen or everything
/// removed: an empty `[0]` tensor. Batches must agree on their trailing shape.
public final class CatMetric: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "cat", domain: .aggregation, summary: "concatenation of all values", options: [NanStrategy.option],
        inputs: AggregationSupport.inputs
    ) { try CatMetric(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage([StateSpec(list: "value")])
    let nanStrategy: NanStrategy

    public init(options: MetricOptions) throws {
        self.options = options
        nanStrategy = NanStrategy(options)
    }

    public convenience init(nanStrategy: NanStrategy = .warn) throws { try self.init(["nan_strategy": nanStrategy.optionValue]) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let raw = try AggregationSupport.value(inputs, metric: name)
        var (v, _) = try nanStrategy.apply(raw, weight: nil, metric: name)
        if v.count == 0 { return }
        if v.rank == 0 { v = try v.reshaped([1]) }
        if let first = state.list("value").first, Array(first.shape.dropFirst()) != Array(v.shape.dropFirst()) {
            throw MetricError.invalidInput(metric: name, argument: "value", expected: "trailing shape \(Array(first.shape.dropFirst())) like earlier batches, got \(v.shape)")
        }
        state.append("value", v.cast(.float32))
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        .tensor(state.concatenated("value") ?? .zeros([0]))
    }
}

/// Sum (or mean) over the last `window` updates only (TorchMetrics'
/// `RunningSum` / `RunningMean`). Each update fills the next slot of a ring
/// of `window` slots with its batch sum (and weight); compute combines the
/// filled slots. Merging instances adds slot by slot (as TorchMetrics' sync does).
public final class RunningAggregator: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "running_sum", domain: .aggregation, summary: "sum over the last `window` updates",
        options: [OptionSpec("window", .int(min: 1), default: .int(5), help: "number of updates kept"), NanStrategy.option],
        inputs: AggregationSupport.inputs
    ) { try RunningAggregator(options: $0, mean: false) }

    /// The `running_mean` registry entry.
    public static let meanDescriptor = MetricDescriptor(
        name: "running_mean", domain: .aggregation, summary: "mean over the last `window` updates",
        options: [OptionSpec("window", .int(min: 1), default: .int(5), help: "number of updates kept"), NanStrategy.option],
        inputs: AggregationSupport.inputs, optionalInputs: ["weight"]
    ) { try RunningAggregator(options: $0, mean: true) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public let name: String
    let nanStrategy: NanStrategy
    let window: Int
    let mean: Bool
    public var isBatchInvariant: Bool { false }
    public var optionalInputNames: [String] { mean ? ["weight"] : [] }
    /// The window is not a mergeable state, so `forward` folds by a second update.
    public var fullStateUpdate: Bool { true }

    public init(options: MetricOptions, mean: Bool) throws {
        self.options = options
        self.mean = mean
        name = mean ? "running_mean" : "running_sum"
        nanStrategy = NanStrategy(options)
        window = options.int("window") ?? 5
        storage = MetricStorage([
            StateSpec("value", .zeros([window], dtype: .float64), .sum),
            StateSpec("weight", .zeros([window], dtype: .float64), .sum),
            StateSpec("updates", .zeros([], dtype: .int64), .max),
        ])
    }

    public convenience init(options: MetricOptions) throws { try self.init(options: options, mean: false) }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let value = try AggregationSupport.value(inputs, metric: name)
        let (v, w) = try nanStrategy.apply(value, weight: mean ? inputs.optionalTensor("weight", metric: name) : nil, metric: name)
        let position = state["updates"].int64Element(at: 0)
        let slot = Int(position % Int64(window))
        var values = state["value"].toDoubles(), weights = state["weight"].toDoubles()
        values[slot] = mean ? (v * w).sumAsDouble() : v.sumAsDouble()
        weights[slot] = w.sumAsDouble()
        state["value"] = Tensor(values, shape: [window])
        state["weight"] = Tensor(weights, shape: [window])
        state["updates"] = Tensor.scalar(position + 1)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let total = state["value"].sumAsDouble()
        let value = mean ? total / state["weight"].sumAsDouble() : total
        return .scalar(value)
    }
}
