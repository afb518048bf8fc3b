import VernierTensor

/// A metric over a running window of its last `window` updates
/// (TorchMetrics' `Running`).
///
/// Each update fills one of `window` slots, in turn, with the states of that
/// batch alone; `compute` merges the filled slots, oldest first, with the
/// wrapped metric's reductions and computes from them. `forward` returns the batch's own value.
///
/// States: slot `k`'s under `w<k>/`, then `seen` (int64, the number of
/// updates, which picks the next slot; reduced by max). Merge and sync combine
/// slot `k` with slot `k` of the other instances: the window of the union of
/// ranks that updated in step, as in TorchMetrics. Checkpoints keep the window.
///
/// Edge cases: only slots already filled are merged (TorchMetrics also folds
/// in the defaults of unfilled slots, which changes `mean` states); a wrapped
/// metric with `fullStateUpdate` cannot be windowed (its batch states do not
/// merge) and is rejected. The value depends on batch boundaries, so the
/// metric is not batch invariant.
///
/// ```swift
/// let recent = try RunningMetric(try SumMetric(), window: 3)
/// ```
public final class RunningMetric: MetricWrapper {
    /// `running`.
    public let name = "running"
    /// `window` and the wrapped metric's identity (`metric`).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage
    /// The wrapped metric (a definition; its own states are not used).
    public let base: any Metric
    /// The number of most recent updates the value covers.
    public let window: Int
    private let layout: ComposedStates

    /// `base` over its last `window` updates.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for a
    ///   window below 1, or a wrapped metric with `fullStateUpdate`.
    public init(_ base: any Metric, window: Int = 5) throws {
        guard window >= 1 else {
            throw MetricError.invalidOption(metric: "running", option: "window", expected: "an integer >= 1, got \(window)")
        }
        guard !base.fullStateUpdate else {
            throw MetricError.invalidOption(metric: "running", option: "base_metric", expected: "a metric whose batch states merge (full_state_update=False); \(base.name) needs the full state")
        }
        self.base = base
        self.window = window
        let specs = base.freshState().specs
        layout = ComposedStates((0..<window).map { ("w\($0)/", specs) })
        options = MetricOptions(["window": .int(window), "metric": base.identity])
        storage = MetricStorage(layout.specs + [StateSpec("seen", .zeros([], dtype: .int64), .max)])
    }

    /// True: a batch's states go into one slot, which merging the batch's
    /// own (slot 0) states into the full states would not do.
    public var fullStateUpdate: Bool { true }
    /// False: the window depends on where batches begin and end.
    public var isBatchInvariant: Bool { false }

    /// Replaces the oldest slot with this batch's states.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let seen = Int(state["seen"].int64Element(at: 0))
        var batch = base.freshState()
        try base.updateState(&batch, with: inputs)
        try layout.store(batch, as: seen % window, in: &state, metric: name)
        state["seen"] = .scalar(Int64(seen + 1))
    }

    /// The wrapped value over the filled slots, merged.
    ///
    /// - Throws: ``MetricError/noUpdates(metric:)`` when no slot is filled.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let seen = Int(state["seen"].int64Element(at: 0)), filled = min(seen, window)
        guard filled > 0 else { throw MetricError.noUpdates(metric: name) }
        // Oldest slot first, so list (`cat`) states come out in update order.
        let oldest = seen > window ? seen % window : 0
        let slots = try (0..<filled).map { try layout.state(of: (oldest + $0) % window, in: state, metric: name) }
        return try base.computeValue(from: slots[0].merged(with: Array(slots.dropFirst()), metric: base.name))
    }
}
