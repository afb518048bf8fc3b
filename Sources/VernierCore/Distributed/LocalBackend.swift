import VernierTensor

/// The single-rank backend (world size 1): every collective returns the
/// rank's own data at once. The default for metrics that are not distributed.
///
/// Collectives complete immediately, so they never time out; invalid
/// arguments are still rejected, so code tested locally fails the same way
/// it would on several ranks.
public final class LocalBackend: Backend {
    /// Always 0.
    public let rank = 0
    /// Always 1.
    public let worldSize = 1
    /// `"local"`.
    public let name = "local"

    /// A single-rank backend.
    public init() {}

    /// Leaves `tensor` as it is (the reduction of one tensor).
    ///
    /// - Throws: ``BackendError/invalidArgument(operation:label:rank:expected:)``
    ///   for a dtype other than float32, float64 or int64.
    public func allReduce(_ tensor: inout Tensor, _ op: AllReduceOp, label: String, deadline: Deadline) throws {
        try check(.allReduce(tensor, op, label: label))
    }

    /// `tensor` itself, as rank 0's rows.
    ///
    /// - Throws: ``BackendError/invalidArgument(operation:label:rank:expected:)`` for a zero-dimensional tensor.
    public func allGather(_ tensor: Tensor, label: String, deadline: Deadline) throws -> GatheredTensor {
        try check(.allGather(tensor, label: label))
        return GatheredTensor(concatenated: tensor, rowCounts: [tensor.shape[0]])
    }

    /// Returns at once.
    public func barrier(label: String, deadline: Deadline) throws {}

    private func check(_ call: CollectiveCall) throws {
        if let p = call.problem {
            throw BackendError.invalidArgument(operation: call.operation, label: call.label, rank: 0, expected: p)
        }
    }
}
