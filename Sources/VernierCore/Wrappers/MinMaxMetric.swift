import VernierTensor

/// A scalar metric's current value with the smallest and largest values it
/// has computed (TorchMetrics' `MinMaxMetric`).
///
/// `compute` returns `["raw": value, "max": largest, "min": smallest]`, the
/// extremes taken over every `compute` of the accumulated states since the
/// last reset, this one included. `forward`'s batch values do not count (as
/// in TorchMetrics, whose forward restores min and max after the batch).
///
/// States: the wrapped metric's under `base/`, then `min_val` (float64,
/// reduced by min, default +inf) and `max_val` (float64, max, -inf); so merge,
/// checkpoints and sync keep the extremes. `reset` clears them with
/// everything else (TorchMetrics #3354; #3389 later keeps them across
/// resets): to follow a value across epochs use ``MetricTracker``.
///
/// Edge cases: a NaN value is returned as `raw` but never becomes a minimum
/// or maximum (comparisons with NaN are false, as in TorchMetrics); before
/// any non-NaN value the extremes are +inf and -inf. A wrapped value with
/// more than one element is an error.
///
/// ```swift
/// let acc = MinMaxMetric(try BinaryAccuracy())
/// ```
public final class MinMaxMetric: MetricWrapper, ComputeRecording {
    /// `min_max`.
    public let name = "min_max"
    /// The wrapped metric's identity (`metric`).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage {
        didSet { if storage.justComputed(since: oldValue) { recordComputed(storage.cachedValue, in: &storage.state) } }
    }
    /// The wrapped metric (a definition; its own states are not used).
    public let base: any Metric
    private let layout: ComposedStates

    /// Wraps a metric whose value is a single number.
    public init(_ base: any Metric) {
        self.base = base
        layout = ComposedStates([("base/", base.freshState().specs)])
        options = MetricOptions(["metric": base.identity])
        storage = MetricStorage(layout.specs + [
            StateSpec("min_val", .scalar(.infinity, dtype: .float64), .min),
            StateSpec("max_val", .scalar(-.infinity, dtype: .float64), .max),
        ])
    }

    /// The wrapped metric's update, on its states.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        var sub = try layout.state(of: 0, in: state, metric: name)
        try base.updateState(&sub, with: inputs)
        try layout.store(sub, as: 0, in: &state, metric: name)
    }

    /// `raw`, and the extremes including `raw` (in `raw`'s float dtype).
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the wrapped value
    ///   is not a single number.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let raw = try rawValue(from: state)
        let x = raw.item()
        let lo = x.isNaN ? state["min_val"].item() : Swift.min(state["min_val"].item(), x)
        let hi = x.isNaN ? state["max_val"].item() : Swift.max(state["max_val"].item(), x)
        let dtype = raw.dtype.isFloatingPoint ? raw.dtype : .float32
        return .dict(["raw": .tensor(raw), "max": .scalar(hi, dtype: dtype), "min": .scalar(lo, dtype: dtype)])
    }

    private func rawValue(from state: MetricState) throws -> Tensor {
        guard case .tensor(let t) = try base.computeValue(from: layout.state(of: 0, in: state, metric: name)), t.count == 1 else {
            throw MetricError.failed(metric: name, detail: "\(base.name) must compute a single number to track its minimum and maximum")
        }
        return t
    }

    func recordComputed(_ value: MetricValue?, in state: inout MetricState) {
        var raw: Tensor?
        if case .dict(let d)? = value { raw = d["raw"]?.tensor } else { raw = try? rawValue(from: state) }
        guard let x = raw?.item(), !x.isNaN else { return }
        state["min_val"] = .scalar(Swift.min(state["min_val"].item(), x), dtype: .float64)
        state["max_val"] = .scalar(Swift.max(state["max_val"].item(), x), dtype: .float64)
    }
}
