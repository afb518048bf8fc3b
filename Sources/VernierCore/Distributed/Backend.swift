import VernierTensor

/// The elementwise operation of an all-reduce.
public enum AllReduceOp: String, Sendable, CaseIterable {
    /// `a + b` (floating-point sums may associate differently per backend).
    case sum
    /// The smaller of `a` and `b`; NaN propagates (as in ``Reduction/min``).
    case min
    /// The larger of `a` and `b`; NaN propagates (as in ``Reduction/max``).
    case max
}

/// A group of ranks that reduce tensors together: the transport under
/// ``Metric/sync(over:deadline:)``.
///
/// Every rank calls the same collectives in the same order; each call has a
/// deadline and fails with a ``BackendError`` instead of hanging. Tensors
/// passed to a collective must agree across ranks as each method states; a
/// backend that can check it (``InProcessBackend`` for every collective,
/// the MPI backend for gathers) raises ``BackendError/mismatchedCollective(operation:label:rank:detail:)``
/// on every rank when they do not.
///
/// Implementations: ``LocalBackend`` (one rank, the default),
/// ``InProcessBackend`` (threads as ranks, for tests), and `MPIBackend`
/// (module `VernierMPI`).
public protocol Backend: AnyObject, Sendable {
    /// This process's (or thread's) rank, `0..<worldSize`.
    var rank: Int { get }
    /// The number of ranks.
    var worldSize: Int { get }
    /// A short name for messages and reports (`"local"`, `"in-process"`, `"mpi"`).
    var name: String { get }

    /// Replaces `tensor` with the elementwise reduction of every rank's tensor.
    ///
    /// - Parameters:
    ///   - tensor: float32, float64 or int64; the same dtype and shape on every rank.
    ///   - op: the same on every rank.
    ///   - label: what is being reduced, for error messages (not compared).
    ///   - deadline: when to give up.
    /// - Throws: ``BackendError``; `tensor` is unchanged then.
    func allReduce(_ tensor: inout Tensor, _ op: AllReduceOp, label: String, deadline: Deadline) throws

    /// Every rank's tensor, joined along the first axis in rank order (a
    /// ragged all-gather: no padding).
    ///
    /// - Parameter tensor: rank >= 1, any dtype. Each rank may contribute a
    ///   different first-axis length, including 0; the dtype and the other
    ///   dimensions must agree across ranks.
    /// - Throws: ``BackendError``.
    func allGather(_ tensor: Tensor, label: String, deadline: Deadline) throws -> GatheredTensor

    /// Returns once every rank has called `barrier`.
    ///
    /// - Throws: ``BackendError``.
    func barrier(label: String, deadline: Deadline) throws
}

/// The result of ``Backend/allGather(_:label:deadline:)``: all ranks' rows in
/// rank order, and how many rows each rank contributed.
public struct GatheredTensor: Sendable {
    /// Every rank's tensor concatenated along axis 0, rank 0 first.
    public let concatenated: Tensor
    /// The first-axis length contributed by each rank (`rowCounts[r]` for rank `r`).
    public let rowCounts: [Int]

    /// Wraps a gathered tensor.
    ///
    /// - Precondition: `rowCounts` sums to `concatenated.shape[0]`.
    public init(concatenated: Tensor, rowCounts: [Int]) {
        precondition(concatenated.rank >= 1 && rowCounts.reduce(0, +) == concatenated.shape[0],
                     "GatheredTensor: row counts \(rowCounts) do not add up to shape \(concatenated.shape)")
        self.concatenated = concatenated
        self.rowCounts = rowCounts
    }

    /// The rows rank `rank` contributed (a copy).
    public func part(_ rank: Int) -> Tensor {
        let start = rowCounts[..<rank].reduce(0, +)
        // Bounds come from rowCounts, which the initialiser checked against the shape.
        return try! concatenated.slice(axis: 0, start: start, end: start + rowCounts[rank])
    }

    /// Every rank's rows, in rank order (copies).
    public var parts: [Tensor] { rowCounts.indices.map(part) }
}

extension AllReduceOp {
    /// The dtypes every backend's all-reduce supports. Other dtypes are
    /// widened by the caller (``Metric/sync(over:deadline:)`` reduces int32,
    /// uint8 and bool states as int64, which gives the same result as
    /// ``Reduction/combine(_:metric:state:)``).
    public static let supportedDTypes: [DType] = [.float32, .float64, .int64]
}
