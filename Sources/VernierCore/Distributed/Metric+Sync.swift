import VernierTensor

extension Metric {
    /// Whether ``sync(over:deadline:)`` replaced the local states with the
    /// reduction over all ranks (until ``unsync()`` or ``reset()``).
    public var isSynced: Bool { storage.isSynced }

    /// Replaces the states with their reduction over every rank of `backend`,
    /// keeping the local states for ``unsync()``.
    ///
    /// Each state is reduced by its ``Reduction``, exactly as
    /// ``merge(_:)`` would combine the ranks' metrics in rank order:
    /// `sum`/`min`/`max` by all-reduce, `cat` by a ragged all-gather (a rank
    /// without items takes part with zero rows; the synced list holds one
    /// tensor with every rank's rows in rank order, or nothing), `mean` as
    /// the unweighted mean over ranks, `custom` by gathering every rank's
    /// tensor and applying the reducer to them in rank order. The update
    /// count becomes the sum over ranks. Collectives follow the declaration
    /// order, so every rank issues the same ones (Docs/Distributed.md lists them).
    ///
    /// Every rank must call `sync` for the same metrics in the same order,
    /// including ranks that saw no data. Before reducing, the ranks compare a
    /// fingerprint of the metric name, its options and its state layout; a
    /// mismatch is an error on every rank. So is a `cat` state whose ranks
    /// hold rows of different element shapes or dtypes.
    ///
    /// Calling `sync` on a synced metric reduces the saved local states
    /// again (the result is the same; it does not reduce twice).
    ///
    /// - Parameters:
    ///   - backend: the ranks to reduce over.
    ///   - deadline: when the whole sync must be done; default: now plus
    ///     `VERNIER_SYNC_TIMEOUT` seconds, or 300 s (``SyncTimeout``).
    /// - Throws: ``BackendError`` (timeout, mismatched collective, broken
    ///   backend), ``MetricError/stateMismatch(metric:state:detail:)`` for
    ///   ranks that disagree, or a custom reducer's error. The metric is
    ///   unchanged when `sync` throws.
    public func sync(over backend: any Backend, deadline: Deadline? = nil) throws {
        let deadline = try deadline ?? .after(SyncTimeout.resolve())
        let local = storage.localState ?? (storage.state, storage.updateCount)
        let reduced = try StateSynchronizer(metric: name, options: options, state: local.0, updateCount: local.1)
            .run(on: backend, deadline: deadline)
        try restore(values: reduced.values, updateCount: reduced.updateCount)
        storage.localState = local
    }

    /// Puts back the local states and update count saved by
    /// ``sync(over:deadline:)``, so local accumulation can go on after a
    /// synced `compute`. Does nothing when the metric is not synced.
    public func unsync() {
        guard let (state, count) = storage.localState else { return }
        storage.state = state
        storage.updateCount = count
        storage.cachedValue = nil
        storage.localState = nil
    }

    /// The value over every rank's data: ``sync(over:deadline:)``, then
    /// ``compute()``, then ``unsync()`` (also when `compute` throws), so the
    /// metric keeps accumulating locally afterwards. Every rank gets the value.
    ///
    /// - Throws: what `sync` throws (the metric is unchanged then), or
    ///   ``MetricError/noUpdates(metric:)`` when no rank has updated the metric.
    public func syncedCompute(over backend: any Backend, deadline: Deadline? = nil) throws -> MetricValue {
        try sync(over: backend, deadline: deadline)
        defer { unsync() }
        return try compute()
    }

    /// Rejects operations that fold data into a synced metric: those states
    /// are the reduction over all ranks, and ``unsync()`` would silently
    /// drop whatever was folded into them.
    func rejectIfSynced(_ operation: String) throws {
        if storage.isSynced {
            throw MetricError.failed(metric: name, detail: "\(operation) on a synced metric (its states are the reduction over all ranks); call unsync() first")
        }
    }
}
