import Foundation
import VernierTensor

/// A group of ranks that are threads of one process, for tests and for
/// simulating a distributed job on one machine.
///
/// Create one group for `worldSize` ranks and give each thread its rank's
/// backend (``backend(rank:)``), or let ``InProcessBackend/run(worldSize:_:)``
/// do both. The group checks every collective: when ranks ask for different
/// ones at the same position (another operation, dtype, shape, or order),
/// every rank gets ``BackendError/mismatchedCollective(operation:label:rank:detail:)``;
/// when a rank does not arrive by the deadline, every waiting rank gets
/// ``BackendError/timeout(operation:label:rank:worldSize:timeout:detail:)``
/// naming the missing ranks, and the group is broken: later collectives
/// (including the late rank's) fail at once with ``BackendError/broken(operation:label:rank:reason:)``.
///
/// Reductions fold the ranks' tensors in rank order with the same kernels
/// as ``Reduction/combine(_:metric:state:)``, so a sync over this backend
/// gives exactly what merging the ranks' metrics in rank order gives.
public final class InProcessGroup: @unchecked Sendable {
    /// The number of ranks.
    public let worldSize: Int

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    /// The position of each rank's next collective in its sequence.
    private var nextSequence: [Int]
    /// Collectives some rank has entered and not every rank has left.
    private var rounds: [Int: Round] = [:]
    private var brokenReason: String?

    private struct Round {
        var calls: [CollectiveCall?]
        var tensors: [Tensor?]
        var arrived = 0
        var outcome: Outcome?
        var collected = 0
    }

    private enum Outcome {
        case reduced(Tensor)
        case gathered(GatheredTensor)
        case released
        /// The collective cannot run: `invalidRanks` passed invalid arguments.
        case failed(detail: String, invalidRanks: Set<Int>)
    }

    /// A group of `worldSize` ranks.
    ///
    /// - Precondition: `worldSize >= 1`.
    public init(worldSize: Int) {
        precondition(worldSize >= 1, "InProcessGroup: worldSize must be at least 1, got \(worldSize)")
        self.worldSize = worldSize
        self.nextSequence = Array(repeating: 0, count: worldSize)
    }

    /// The backend of rank `rank`. Use exactly one backend per rank, each on
    /// its own thread (a collective blocks its caller until every rank has
    /// arrived).
    ///
    /// - Precondition: `0 <= rank < worldSize`.
    public func backend(rank: Int) -> InProcessBackend {
        precondition((0..<worldSize).contains(rank), "InProcessGroup: rank \(rank) is outside 0..<\(worldSize)")
        return InProcessBackend(group: self, rank: rank)
    }

    func allReduce(rank: Int, _ tensor: inout Tensor, _ op: AllReduceOp, label: String, deadline: Deadline) throws {
        guard case .reduced(let t) = try perform(rank: rank, .allReduce(tensor, op, label: label), tensor, deadline) else {
            preconditionFailure("an all-reduce round completed without a reduced tensor")
        }
        tensor = t
    }

    func allGather(rank: Int, _ tensor: Tensor, label: String, deadline: Deadline) throws -> GatheredTensor {
        guard case .gathered(let g) = try perform(rank: rank, .allGather(tensor, label: label), tensor, deadline) else {
            preconditionFailure("an all-gather round completed without a gathered tensor")
        }
        return g
    }

    func barrier(rank: Int, label: String, deadline: Deadline) throws {
        _ = try perform(rank: rank, .barrier(label: label), nil, deadline)
    }

    /// Enters this rank's next collective and waits until every rank has
    /// entered it (the last to arrive computes the outcome for all) or the
    /// deadline passes.
    private func perform(rank: Int, _ call: CollectiveCall, _ tensor: Tensor?, _ deadline: Deadline) throws -> Outcome {
        condition.lock()
        defer { condition.unlock() }
        if let reason = brokenReason {
            throw BackendError.broken(operation: call.operation, label: call.label, rank: rank, reason: reason)
        }
        let seq = nextSequence[rank]
        nextSequence[rank] += 1
        var round = rounds[seq] ?? Round(calls: Array(repeating: nil, count: worldSize), tensors: Array(repeating: nil, count: worldSize))
        round.calls[rank] = call
        round.tensors[rank] = tensor
        round.arrived += 1
        if round.arrived == worldSize {
            round.outcome = complete(round, sequence: seq)
            condition.broadcast()
        }
        rounds[seq] = round
        let start = ContinuousClock.now
        while true {
            if let outcome = rounds[seq]!.outcome {
                rounds[seq]!.collected += 1
                if rounds[seq]!.collected == worldSize { rounds[seq] = nil }
                if case let .failed(detail, invalidRanks) = outcome {
                    if invalidRanks.contains(rank), let p = call.problem {
                        throw BackendError.invalidArgument(operation: call.operation, label: call.label, rank: rank, expected: p)
                    }
                    throw BackendError.mismatchedCollective(operation: call.operation, label: call.label, rank: rank, detail: detail)
                }
                return outcome
            }
            if brokenReason != nil || deadline.hasExpired {
                let missing = (0..<worldSize).filter { rounds[seq]!.calls[$0] == nil }
                var detail = "rank(s) \(missing.map(String.init).joined(separator: ", ")) did not reach collective #\(seq)"
                if let reason = brokenReason {
                    detail += "; gave up after \(Deadline.format(.now - start)) because \(reason)"
                } else {
                    brokenReason = "rank \(rank) timed out in collective #\(seq) (\(call))"
                    condition.broadcast()
                }
                throw BackendError.timeout(operation: call.operation, label: call.label, rank: rank, worldSize: worldSize,
                                           timeout: deadline.description, detail: detail)
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Swift.max(0, deadline.remaining.seconds)))
        }
    }

    /// The outcome of a collective every rank has entered: an error when the
    /// calls are invalid or disagree, else the reduction (rank order).
    private func complete(_ round: Round, sequence: Int) -> Outcome {
        let calls = round.calls.map { $0! }
        let invalid = calls.indices.filter { calls[$0].problem != nil }
        if !invalid.isEmpty {
            let list = invalid.map { "rank \($0) called \(calls[$0]), which expects \(calls[$0].problem!)" }
            return .failed(detail: "collective #\(sequence): " + list.joined(separator: "; "), invalidRanks: Set(invalid))
        }
        if let q = calls.indices.first(where: { calls[$0] != calls[0] }) {
            return .failed(detail: "collective #\(sequence): rank 0 called \(calls[0]), rank \(q) called \(calls[q])", invalidRanks: [])
        }
        let tensors = round.tensors
        do {
            switch calls[0].kind {
            case .allReduce(let op, _, _):
                var acc = tensors[0]!
                for t in tensors.dropFirst() { acc = try Tensor.binary(op.binaryOp, acc, t!) }
                return .reduced(acc)
            case .allGather:
                let parts = tensors.map { $0! }
                return .gathered(GatheredTensor(concatenated: try Tensor.concatenate(parts, axis: 0), rowCounts: parts.map { $0.shape[0] }))
            case .barrier:
                return .released
            }
        } catch {
            return .failed(detail: "collective #\(sequence) (\(calls[0])): \(error)", invalidRanks: [])
        }
    }
}

extension AllReduceOp {
    /// The tensor kernel ``Reduction/combine(_:metric:state:)`` uses for the same reduction.
    var binaryOp: BinaryOp {
        switch self {
        case .sum: return .add
        case .min: return .minimum
        case .max: return .maximum
        }
    }
}

/// One rank of an ``InProcessGroup``.
public final class InProcessBackend: Backend {
    /// The group this rank belongs to.
    public let group: InProcessGroup
    /// This thread's rank in ``group``.
    public let rank: Int
    /// The group's ``InProcessGroup/worldSize``.
    public var worldSize: Int { group.worldSize }
    /// `"in-process"`.
    public let name = "in-process"

    init(group: InProcessGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    /// Reduces in rank order: `((t0 op t1) op t2) ...`, with the tensor
    /// kernels of ``Reduction/combine(_:metric:state:)`` (NaN propagates
    /// through min and max).
    public func allReduce(_ tensor: inout Tensor, _ op: AllReduceOp, label: String, deadline: Deadline) throws {
        try group.allReduce(rank: rank, &tensor, op, label: label, deadline: deadline)
    }

    /// Joins the ranks' tensors in rank order (checking dtype and element shape).
    public func allGather(_ tensor: Tensor, label: String, deadline: Deadline) throws -> GatheredTensor {
        try group.allGather(rank: rank, tensor, label: label, deadline: deadline)
    }

    /// Returns once every rank of the group has arrived.
    public func barrier(label: String, deadline: Deadline) throws {
        try group.barrier(rank: rank, label: label, deadline: deadline)
    }

    /// Runs `body` on `worldSize` threads, one per rank, each with its rank's
    /// backend of a fresh ``InProcessGroup``, and returns each rank's result
    /// (rank order) once every thread has finished.
    ///
    /// Threads, not tasks: a rank blocks in collectives until the others
    /// arrive, which would starve Swift's cooperative pool on a small machine.
    ///
    /// ```swift
    /// let sums = InProcessBackend.run(worldSize: 4) { backend in
    ///     var t = Tensor([Double(backend.rank)])
    ///     try backend.allReduce(&t, .sum, label: "demo", deadline: .seconds(5))
    ///     return t.item()            // 6 on every rank
    /// }
    /// ```
    ///
    /// - Precondition: `worldSize >= 1`. `body` must return on every rank
    ///   (a rank that hangs forever makes `run` hang).
    public static func run<T: Sendable>(worldSize: Int, _ body: @escaping @Sendable (InProcessBackend) throws -> T) -> [Result<T, any Error>] {
        let group = InProcessGroup(worldSize: worldSize)
        let results = RankResults<T>(count: worldSize)
        let finished = DispatchGroup()
        for r in 0..<worldSize {
            let backend = group.backend(rank: r)
            finished.enter()
            let thread = Thread {
                results.set(r, Result { try body(backend) })
                finished.leave()
            }
            thread.name = "vernier-rank-\(r)"
            // Metric code may recurse through nested values; the default
            // secondary-thread stack is small on Linux.
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        return results.values
    }
}

/// Per-rank results written by the rank threads of ``InProcessBackend/run(worldSize:_:)``.
private final class RankResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ rank: Int, _ r: Result<T, any Error>) { lock.withLock { slots[rank] = r } }

    var values: [Result<T, any Error>] { lock.withLock { slots.map { $0! } } }
}
