public import OrderedCollections
import VernierTensor

/// The best value a tracked metric reached, and the step (0-based
/// ``MetricTracker/increment()`` count) where it did.
public struct TrackedBest: Sendable, Equatable {
    /// The best value.
    public let value: Double
    /// The step it was reached at.
    public let step: Int

    /// A value and its step.
    public init(value: Double, step: Int) {
        self.value = value
        self.step = step
    }
}

/// A metric followed over steps, typically epochs (TorchMetrics'
/// `MetricTracker`): ``increment()`` starts a step, `update` and `compute`
/// act on the current step, ``computeAll()`` gives every step's value and
/// ``best()`` the best one.
///
/// States: the current step's, exactly the wrapped metric's; merge, sync and
/// checkpoints act on the current step. Finished steps are kept as computed
/// values on this object, not as states: their number grows without bound,
/// and TorchMetrics' tracker is not a metric at all (it neither merges nor
/// syncs). In a distributed run, sync before ``increment()`` so the recorded
/// value is the global one. For the same reason a tracker is meant to be
/// used on its own: inside a collection, its steps and history do not move.
///
/// Edge cases: updating before the first ``increment()`` is an error (as in
/// TorchMetrics); so is incrementing past a step that had no update (its
/// value would be undefined). ``best()`` skips NaN values; ties go to the
/// earliest step.
///
/// ```swift
/// let tracker = try MetricTracker(try MeanSquaredError())   // maximize = false, from higherIsBetter
/// for epoch in epochs { try tracker.increment(); for b in epoch { try tracker.update(b) } }
/// let best = try tracker.best()                              // (value, step)
/// ```
public final class MetricTracker: MetricWrapper, ComputeRecording {
    /// `metric_tracker`.
    public let name = "metric_tracker"
    /// `maximize` and the wrapped metric's identity (`metric`).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage {
        didSet { if storage.justComputed(since: oldValue) { recordComputed(storage.cachedValue, in: &storage.state) } }
    }
    /// The tracked metric (a definition; its own states are not used).
    public let base: any Metric
    /// Whether higher is better, for a single value, or nil when it is set per result key.
    public let maximize: Bool?
    /// For a tracked collection without an explicit `maximize`: each result
    /// key's direction, from the member that produces it.
    private let maximizeByMember: [Bool]?
    /// The values of finished steps, in order.
    public private(set) var history: [MetricValue] = []
    /// The number of steps started by ``increment()``.
    public private(set) var stepCount = 0

    /// Tracks `base`.
    ///
    /// - Parameter maximize: whether higher values are better; nil takes the
    ///   metric's ``Metric/higherIsBetter`` (for a collection, each member's).
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   `maximize` is nil and the direction is unknown.
    public init(_ base: any Metric, maximize: Bool? = nil) throws {
        self.base = base
        if maximize == nil, let collection = base as? MetricCollection {
            self.maximize = nil
            maximizeByMember = try collection.members.map { key, m in
                guard let h = m.higherIsBetter else {
                    throw MetricError.invalidOption(metric: "metric_tracker", option: "maximize", expected: "a value: member '\(key)' (\(m.name)) does not say whether higher is better")
                }
                return h
            }
        } else {
            guard let direction = maximize ?? base.higherIsBetter else {
                throw MetricError.invalidOption(metric: "metric_tracker", option: "maximize", expected: "a value: \(base.name) does not say whether higher is better")
            }
            self.maximize = direction
            maximizeByMember = nil
        }
        options = MetricOptions(["maximize": maximize.map { .bool($0) } ?? .none, "metric": base.identity])
        storage = MetricStorage(base.freshState().specs)
    }

    /// The tracking direction, when it is one for all values.
    public var higherIsBetter: Bool? { maximize }

    /// Finishes the current step (recording its value) and starts a new one.
    ///
    /// - Throws: ``MetricError/noUpdates(metric:)`` when the current step had
    ///   no update; nothing changes then.
    public func increment() throws {
        if stepCount > 0 { history.append(try compute()) }
        reset()
        stepCount += 1
    }

    /// The wrapped update, on the current step.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` before the first ``increment()``.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        guard stepCount > 0 else { throw MetricError.failed(metric: name, detail: "call increment() before the first update") }
        try base.updateState(&state, with: inputs)
    }

    /// The current step's value.
    public func computeValue(from state: MetricState) throws -> MetricValue { try base.computeValue(from: state) }

    /// Every step's value, finished steps and the current one.
    ///
    /// - Throws: ``MetricError/noUpdates(metric:)`` when the current step has no update yet.
    public func computeAll() throws -> [MetricValue] { history + [try compute()] }

    /// The best value of a single-number metric, and its step.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the value is not a
    ///   single number (use ``bestPerKey()`` for dictionaries) or every step is NaN.
    public func best() throws -> TrackedBest {
        let values = try computeAll().map { v -> Double in
            guard let x = v.doubleValue else { throw MetricError.failed(metric: name, detail: "best() needs a single number per step; use bestPerKey() for \(base.name)") }
            return x
        }
        return try pick(values, maximize: maximize ?? true, key: base.name)
    }

    /// The best value of each single-number entry of a dictionary value
    /// (a collection's results), and its step.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the value is not a
    ///   dictionary of single numbers, or an entry is NaN at every step.
    public func bestPerKey() throws -> OrderedDictionary<String, TrackedBest> {
        let steps = try computeAll()
        guard case .dict(let last)? = steps.last else {
            throw MetricError.failed(metric: name, detail: "bestPerKey() needs dictionary values; use best() for \(base.name)")
        }
        let owners = try keyOwners()
        var out = OrderedDictionary<String, TrackedBest>()
        for key in last.keys {
            let values = try steps.map { step -> Double in
                guard case .dict(let d) = step, let x = d[key]?.doubleValue else {
                    throw MetricError.failed(metric: name, detail: "'\(key)' is not a single number at every step")
                }
                return x
            }
            let direction = owners[key].flatMap { maximizeByMember?[$0] } ?? maximize ?? true
            out[key] = try pick(values, maximize: direction, key: key)
        }
        return out
    }

    /// Which collection member produced each result key (empty unless a
    /// collection is tracked with per-member directions).
    private func keyOwners() throws -> [String: Int] {
        guard maximizeByMember != nil, let collection = base as? MetricCollection else { return [:] }
        return Dictionary(try collection.entries(from: storage.state).map { ($0.key, $0.member) }, uniquingKeysWith: { a, _ in a })
    }

    private func pick(_ values: [Double], maximize: Bool, key: String) throws -> TrackedBest {
        var best: TrackedBest?
        for (step, x) in values.enumerated() where !x.isNaN {
            if let b = best, maximize ? x <= b.value : x >= b.value { continue }
            best = TrackedBest(value: x, step: step)
        }
        guard let best else { throw MetricError.failed(metric: name, detail: "'\(key)' is NaN at every step") }
        return best
    }

    func recordComputed(_ value: MetricValue?, in state: inout MetricState) {
        (base as? any ComputeRecording)?.recordComputed(value, in: &state)
    }
}
