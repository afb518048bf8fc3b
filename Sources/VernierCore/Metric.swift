import VernierTensor

/// The mutable part every metric instance carries: its states, how many
/// updates they hold, and the cached result of the last `compute`.
public struct MetricStorage: Sendable {
    /// The states, in declaration order.
    public internal(set) var state: MetricState
    /// The number of successful `update` (and `forward`) calls folded into `state`,
    /// including those of merged instances and synced ranks.
    public internal(set) var updateCount: Int = 0
    var cachedValue: MetricValue?
    /// The local states saved by `sync`, restored by `unsync`.
    var localState: (MetricState, Int)?

    /// Fresh storage for the given declarations.
    public init(_ specs: [StateSpec]) { state = MetricState(specs: specs) }

    /// Whether `sync` replaced the local states with the reduced ones.
    public var isSynced: Bool { localState != nil }
}

/// A streaming evaluation metric: declared states, folded batch by batch by
/// `update`, turned into a value by `compute`.
///
/// Conformers supply the pure math: ``updateState(_:with:)`` and
/// ``computeValue(from:)``. Everything else (update, compute caching, reset,
/// forward, merge, checkpoints, sync) is written once, in extensions, on top
/// of those two functions, so every metric (native, Lua, wrapper) behaves the
/// same way.
///
/// Contract for ``updateState(_:with:)``: validate the whole batch, then fold
/// it into `state`. It works on a copy: when it throws, the metric keeps the
/// states it had before the call, whatever the function changed.
public protocol Metric: AnyObject {
    /// The registry name (`multiclass_accuracy`, or a plugin's name).
    var name: String { get }
    /// The resolved options; two instances merge only when these are equal.
    var options: MetricOptions { get }
    /// The update arguments, in TorchMetrics' order (`["preds", "target"]`).
    var inputNames: [String] { get }
    /// Update arguments that may be left out (aggregation's `weight`). Default none.
    var optionalInputNames: [String] { get }
    /// States, update count and cached value.
    var storage: MetricStorage { get set }
    /// Whether `forward` must recompute from the full state (TorchMetrics'
    /// `full_state_update`) instead of merging the batch's states. Default false.
    var fullStateUpdate: Bool { get }
    /// Whether a higher value is better; nil when it does not apply. Default nil.
    var higherIsBetter: Bool? { get }
    /// Declared state identity: two metrics with the same non-nil key declare
    /// the same states, fed by the same inputs with the same options, so a
    /// collection may update one shared state for both (a compute group).
    /// The key must cover everything that shapes the states or the update
    /// (e.g. task, num_classes, threshold, top_k, ignore_index) and nothing
    /// that only shapes `compute` (e.g. average). Default nil: no sharing.
    var computeGroupKey: String? { get }
    /// Whether the value depends only on the data, not on how it was split
    /// into batches or instances (false for windowed metrics). Default true.
    var isBatchInvariant: Bool { get }

    /// Validates `inputs` and folds them into `state` (see the contract above).
    func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws
    /// The metric's value for `state` (pure; the result is cached by `compute`).
    func computeValue(from state: MetricState) throws -> MetricValue
}

extension Metric {
    public var fullStateUpdate: Bool { false }
    public var higherIsBetter: Bool? { nil }
    public var isBatchInvariant: Bool { true }
    public var computeGroupKey: String? { nil }
    public var optionalInputNames: [String] { [] }

    /// The current states.
    ///
    /// Read states through this accessor (and `updateCount`) from outside
    /// this file, not as `metric.storage.state` on an `any Metric`: Swift 6.3
    /// miscompiled such a nested existential read inside a larger expression
    /// (`zip(m.storage.state.values, r.storage.state.values)` crashed with a
    /// bad pointer in a debug build).
    public var state: MetricState { storage.state }
    /// The number of updates folded into the states.
    public var updateCount: Int { storage.updateCount }

    /// States at their defaults, with this metric's declarations.
    public func freshState() -> MetricState { MetricState(specs: storage.state.specs) }

    /// Folds one batch into the states. A rejected batch (the error names the
    /// metric, the argument and what was expected) changes nothing.
    /// A synced metric rejects updates until ``unsync()``.
    public func update(_ inputs: MetricInputs) throws {
        try rejectIfSynced("update()")
        var s = storage.state
        try updateState(&s, with: inputs)
        storage.state = s
        storage.updateCount += 1
        storage.cachedValue = nil
    }

    /// Folds one batch of `preds` and `target` into the states.
    public func update(preds: Tensor, target: Tensor) throws {
        try update(MetricInputs(preds: preds, target: target))
    }

    /// Folds one batch given as named tensors.
    public func update(_ named: [String: Tensor]) throws {
        try update(MetricInputs(named.mapValues { .tensor($0) }))
    }

    /// The metric's value over everything folded in so far, cached until the
    /// next update, merge, load or reset.
    ///
    /// - Throws: ``MetricError/noUpdates(metric:)`` before any update (a
    ///   defined error rather than TorchMetrics' warning and default-state value).
    public func compute() throws -> MetricValue {
        if let v = storage.cachedValue { return v }
        guard storage.updateCount > 0 else { throw MetricError.noUpdates(metric: name) }
        let v = try computeValue(from: storage.state)
        storage.cachedValue = v
        return v
    }

    /// Every state back to its default; the update count to 0.
    public func reset() {
        storage.state.reset()
        storage.updateCount = 0
        storage.cachedValue = nil
        storage.localState = nil
    }

    /// The value of this batch alone, while also folding it into the states
    /// (TorchMetrics' `forward`). With ``fullStateUpdate`` false the batch's
    /// own states are merged in; otherwise the batch is folded into the full
    /// states by a second update. Either way a rejected batch changes nothing.
    public func forward(_ inputs: MetricInputs) throws -> MetricValue {
        try rejectIfSynced("forward()")
        var batch = freshState()
        try updateState(&batch, with: inputs)
        let value = try computeValue(from: batch)
        let next: MetricState
        if fullStateUpdate {
            var s = storage.state
            try updateState(&s, with: inputs)
            next = s
        } else {
            next = try storage.state.merged(with: [batch], metric: name)
        }
        storage.state = next
        storage.updateCount += 1
        storage.cachedValue = nil
        return value
    }

    /// `forward` for `preds` and `target`.
    public func forward(preds: Tensor, target: Tensor) throws -> MetricValue {
        try forward(MetricInputs(preds: preds, target: target))
    }

    /// Folds the states of `others` (instances of the same metric with the
    /// same options) into this one, exactly as a distributed sync would.
    ///
    /// - Throws: ``MetricError/incompatible(metric:detail:)`` for another
    ///   metric or other options; nothing changes then.
    public func merge(_ others: [any Metric]) throws {
        try rejectIfSynced("merge()")
        for o in others {
            guard o.name == name, o.options == options else {
                throw MetricError.incompatible(metric: name, detail: "cannot merge with \(o.name) (\(o.options)); options here: \(options)")
            }
        }
        let merged = try storage.state.merged(with: others.map { $0.state }, metric: name)
        storage.state = merged
        storage.updateCount += others.reduce(0) { $0 + $1.updateCount }
        storage.cachedValue = nil
    }

    /// Folds the states of one other instance into this one.
    public func merge(_ other: any Metric) throws { try merge([other]) }

    /// Replaces the states (checked against the declarations) and the update
    /// count; used by checkpoints and distributed sync. A synced metric
    /// forgets its saved local states (``unsync()`` then does nothing).
    public func restore(values: [StateValue], updateCount: Int) throws {
        var s = freshState()
        guard values.count == s.specs.count else {
            throw MetricError.stateMismatch(metric: name, state: "*", detail: "expected \(s.specs.count) states, got \(values.count)")
        }
        for (i, v) in values.enumerated() { try s.setValue(v, at: i, metric: name) }
        storage.state = s
        storage.updateCount = updateCount
        storage.cachedValue = nil
        storage.localState = nil
    }
}

/// A metric with a registry descriptor: the registry builds it from options.
public protocol RegisteredMetric: Metric {
    /// The registry entry: name, options, inputs and factory.
    static var descriptor: MetricDescriptor { get }
    /// Builds the metric from resolved options (cross-option checks go here).
    init(options: MetricOptions) throws
}

extension RegisteredMetric {
    public var name: String { Self.descriptor.name }
    public var inputNames: [String] { Self.descriptor.inputs }
    public var optionalInputNames: [String] { Self.descriptor.optionalInputs }

    /// Builds the metric from unresolved options (TorchMetrics' names);
    /// unknown or ill-typed options are errors.
    public init(_ given: [String: OptionValue]) throws {
        try self.init(options: MetricOptions.resolve(given, specs: Self.descriptor.options, metric: Self.descriptor.name))
    }

    /// One-shot form: a fresh instance, one update, compute.
    public static func compute(_ given: [String: OptionValue] = [:], _ inputs: MetricInputs) throws -> MetricValue {
        let m = try Self(given)
        try m.update(inputs)
        return try m.compute()
    }
}
