/// A metric whose states also remember values it has computed
/// (``MinMaxMetric``'s minimum and maximum over computes), or a container
/// that passes that moment on to such children.
///
/// `Metric.compute()` is written once for every metric and keeps
/// `computeValue(from:)` pure, so there is no place in it for a metric to
/// record what it returned. The one observable moment is the cache: `compute`
/// stores its result in `storage.cachedValue`, and only `compute` ever moves
/// that from nil to a value (update, merge, restore and reset clear it;
/// `forward` computes a batch value without caching it). Conformers observe
/// `storage` and call ``recordComputed(_:in:)`` then, on their own states.
protocol ComputeRecording: Metric {
    /// Folds what `computeValue(from: state)` returns into `state`.
    ///
    /// - Parameter value: that value when the caller has it, nil for "compute
    ///   it again" (containers pass nil to their children: the children's
    ///   own values are not recoverable from the container's value).
    /// - Important: must not access `self.storage`; it runs inside an
    ///   observer of `storage` with `state` borrowed from it.
    func recordComputed(_ value: MetricValue?, in state: inout MetricState)
}

extension MetricStorage {
    /// Whether this storage, compared with `old`, holds a freshly cached
    /// `compute` result (see ``ComputeRecording``).
    func justComputed(since old: MetricStorage) -> Bool { old.cachedValue == nil && cachedValue != nil }
}
