internal import CMPI
import Foundation
import VernierCore
import VernierTensor

/// The MPI backend: every rank of an `mpirun` job (or Slurm, PBS, ...) is a
/// rank of this backend, over a private duplicate of `MPI_COMM_WORLD`.
///
/// Every collective is nonblocking (`MPI_Iallreduce`, `MPI_Iallgather(v)`,
/// `MPI_Ibarrier`) and polled with `MPI_Test` until it completes or its
/// deadline passes, because MPI itself has no collective timeout: a rank
/// that never arrives would otherwise block its peers forever. On expiry the
/// backend raises a ``BackendError/timeout(operation:label:rank:worldSize:timeout:detail:)``
/// naming the operation, what it was reducing and the rank, marks itself
/// broken (a started collective cannot be cancelled; its buffers are kept
/// alive for MPI), and by default prints the error and calls `MPI_Abort`,
/// which ends the whole job (``Configuration/timeoutAction``).
///
/// Errors MPI reports are returned, not fatal (`MPI_ERRORS_RETURN`), and
/// become ``BackendError/transport(operation:label:rank:detail:)`` with MPI's
/// message; the backend is broken afterwards.
///
/// Gathers exchange a small descriptor first (dtype, rank, rows, element
/// count), which gives every rank the counts `MPI_Iallgatherv` needs and
/// lets every rank detect a mismatched gather; all-reduces are not checked
/// (``Metric/sync(over:deadline:)`` compares a layout fingerprint first).
/// Counts are `Int32` in MPI: larger collectives are split into calls of at
/// most ``Configuration/maxElementsPerCall`` elements.
///
/// All MPI calls are serialised by a lock, so a backend may be used from
/// any thread (MPI runs at `MPI_THREAD_SERIALIZED`).
public final class MPIBackend: Backend, @unchecked Sendable {
    /// How the backend behaves; the defaults suit production jobs.
    public struct Configuration: Sendable {
        /// What a timed-out collective does after marking the backend broken.
        public enum TimeoutAction: Sendable, Equatable {
            /// Print the error to stderr and `MPI_Abort` the job with this exit code.
            case abort(exitCode: Int32)
            /// Throw the error and leave the job running (the backend stays
            /// broken; the process should exit, and will do so without
            /// `MPI_Finalize`, which could wait forever for the stuck collective).
            case throwError
        }

        /// Default: `.abort(exitCode: 124)` (the code `timeout(1)` uses).
        public var timeoutAction: TimeoutAction
        /// The most elements one MPI call moves (MPI counts are `Int32`);
        /// default `Int32.max`. Smaller values only serve to test the chunking.
        public var maxElementsPerCall: Int

        /// A configuration; the defaults abort on a timeout and use MPI's largest counts.
        ///
        /// - Precondition: `1 <= maxElementsPerCall <= Int32.max`.
        public init(timeoutAction: TimeoutAction = .abort(exitCode: 124), maxElementsPerCall: Int = Int(Int32.max)) {
            precondition(maxElementsPerCall >= 1 && maxElementsPerCall <= Int(Int32.max), "maxElementsPerCall must be in 1...Int32.max")
            self.timeoutAction = timeoutAction
            self.maxElementsPerCall = maxElementsPerCall
        }
    }

    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of processes in `MPI_COMM_WORLD`.
    public let worldSize: Int
    /// `"mpi"`.
    public let name = "mpi"
    /// How timeouts and large collectives are handled.
    public let configuration: Configuration

    /// The private communicator (null until setup completes).
    private var comm: MPI_Comm? = vernier_mpi_comm_null()
    private let lock = NSLock()
    // Guarded by `lock`.
    private var brokenReason: String?
    /// Tensors whose buffers a timed-out request may still read or write.
    private var abandoned: [Tensor] = []

    /// Joins the job's ranks, initialising MPI on first use (see ``MPIRuntime``).
    /// Collective: every rank must create its backends in the same order.
    ///
    /// - Parameter deadline: when to give up waiting for the other ranks
    ///   (default: the sync timeout, ``SyncTimeout/resolve(environment:)``).
    /// - Throws: ``BackendError`` when MPI cannot be initialised, a rank does
    ///   not join in time, or `VERNIER_SYNC_TIMEOUT` is malformed.
    public init(configuration: Configuration = Configuration(), deadline: Deadline? = nil) throws {
        let deadline = try deadline ?? .after(SyncTimeout.resolve())
        try MPIRuntime.ensureInitialized()
        self.configuration = configuration
        var world: Int32 = 0, me: Int32 = 0
        MPI_Comm_rank(vernier_mpi_comm_world(), &me)
        MPI_Comm_size(vernier_mpi_comm_world(), &world)
        rank = Int(me)
        worldSize = Int(world)
        // A private communicator keeps Vernier's collectives apart from the
        // host program's; nonblocking so a missing rank cannot hang setup.
        // MPI writes the new handle when the request completes, so it needs
        // a slot that outlives this call's temporaries.
        let slot = UnsafeMutablePointer<MPI_Comm?>.allocate(capacity: 1)
        slot.initialize(to: vernier_mpi_comm_null())
        try lock.withLock {
            var request: MPI_Request? = vernier_mpi_request_null()
            try check(MPI_Comm_idup(vernier_mpi_comm_world(), slot, &request), "MPI_Comm_idup", label: "backend setup")
            try wait(&request, "MPI_Comm_idup", label: "backend setup", deadline: deadline)
        }
        comm = slot.move()
        slot.deallocate()
        MPI_Comm_set_errhandler(comm, vernier_mpi_errors_return())
    }

    deinit {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0, brokenReason == nil {
            MPI_Comm_free(&comm)
        }
    }

    // MARK: - Collectives

    /// Reduces in place with `MPI_Iallreduce` (float min/max with operations
    /// that propagate NaN). Floating-point sums associate in MPI's order, so
    /// they can differ from ``Metric/merge(_:)`` in the last bits; integer
    /// results and min/max are exact.
    public func allReduce(_ tensor: inout Tensor, _ op: AllReduceOp, label: String, deadline: Deadline) throws {
        let operation = "allReduce(\(op.rawValue))"
        try lock.withLock {
            try checkUsable(operation, label)
            guard AllReduceOp.supportedDTypes.contains(tensor.dtype) else {
                throw BackendError.invalidArgument(operation: operation, label: label, rank: rank, expected: "a float32, float64 or int64 tensor, got \(tensor.dtype.rawValue)")
            }
            let mpiOp: MPI_Op?
            switch (op, tensor.dtype.isFloatingPoint) {
            case (.sum, _): mpiOp = vernier_mpi_sum()
            case (.min, true): mpiOp = NaNPropagatingOps.min
            case (.max, true): mpiOp = NaNPropagatingOps.max
            case (.min, false): mpiOp = vernier_mpi_min()
            case (.max, false): mpiOp = vernier_mpi_max()
            }
            // Writing makes `work` a private copy: after a timeout MPI may
            // still write into it, and the caller's tensor must stay as it was.
            var work = tensor
            let type = mpiType(work.dtype), width = work.dtype.byteWidth, n = work.count
            try withMutableBytes(&work) { base in
                var offset = 0
                while offset < n {
                    let c = Swift.min(configuration.maxElementsPerCall, n - offset)
                    var request: MPI_Request? = vernier_mpi_request_null()
                    try check(MPI_Iallreduce(vernier_mpi_in_place(), base + offset * width, Int32(c), type, mpiOp, comm, &request), operation, label: label)
                    try wait(&request, operation, label: label, deadline: deadline)
                    offset += c
                }
            } onAbandon: { abandoned.append($0) }
            tensor = work
        }
    }

    /// Gathers with a descriptor exchange (`MPI_Iallgather`) and then
    /// `MPI_Iallgatherv` straight into the result, or, beyond
    /// ``Configuration/maxElementsPerCall`` elements in total, in rounds
    /// through a staging buffer.
    public func allGather(_ tensor: Tensor, label: String, deadline: Deadline) throws -> GatheredTensor {
        let operation = "allGather"
        return try lock.withLock {
            try checkUsable(operation, label)
            let descriptors = try exchangeDescriptors(of: tensor, label: label, deadline: deadline)
            try validate(descriptors, local: tensor, label: label)
            let rows = descriptors.map { Int($0[2]) }
            let perRow = Int(descriptors[0][3])
            let counts = rows.map { $0 * perRow }
            var out = Tensor.zeros([rows.reduce(0, +)] + tensor.shape.dropFirst(), dtype: tensor.dtype)
            let type = mpiType(tensor.dtype), width = tensor.dtype.byteWidth
            try withMutableBytes(&out) { recv in
                try tensor.withUnsafeRawBytes { send in
                    let sendBase = send.baseAddress!
                    if counts.reduce(0, +) <= configuration.maxElementsPerCall {
                        try gatherv(sendBase, counts[rank], recv, counts: counts, type: type, label: label, deadline: deadline)
                    } else {
                        try gatherInRounds(sendBase, recv, counts: counts, width: width, type: type, label: label, deadline: deadline)
                    }
                }
            } onAbandon: { abandoned.append(contentsOf: [$0, tensor]) }
            return GatheredTensor(concatenated: out, rowCounts: rows)
        }
    }

    /// `MPI_Ibarrier`, polled until every rank has arrived or the deadline passes.
    public func barrier(label: String, deadline: Deadline) throws {
        try lock.withLock {
            try checkUsable("barrier", label)
            var request: MPI_Request? = vernier_mpi_request_null()
            try check(MPI_Ibarrier(comm, &request), "barrier", label: label)
            try wait(&request, "barrier", label: label, deadline: deadline)
        }
    }

    // MARK: - Gather helpers (called with `lock` held)

    /// `[dtype index, rank, rows, elements per row, element shape hash]` of every rank.
    private func exchangeDescriptors(of t: Tensor, label: String, deadline: Deadline) throws -> [[Int64]] {
        let elementShape = Array(t.shape.dropFirst())
        var shapeHash: Int64 = 17
        for d in elementShape { shapeHash = shapeHash &* 1_000_003 &+ Int64(d) }
        let mine = Tensor([Int64(DType.allCases.firstIndex(of: t.dtype)!), Int64(t.rank), Int64(t.shape.first ?? 1),
                           Int64(elementShape.reduce(1, *)), shapeHash])
        let width = mine.count
        var all = Tensor.zeros([width * worldSize], dtype: .int64)
        try withMutableBytes(&all) { recv in
            try mine.withUnsafeRawBytes { send in
                var request: MPI_Request? = vernier_mpi_request_null()
                try check(MPI_Iallgather(send.baseAddress, Int32(width), vernier_mpi_int64(), recv, Int32(width),
                                         vernier_mpi_int64(), comm, &request), "allGather", label: label)
                try wait(&request, "allGather", label: label, deadline: deadline)
            }
        } onAbandon: { abandoned.append(contentsOf: [$0, mine]) }
        let values = all.toArray(Int64.self)
        return (0..<worldSize).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// Every rank runs this on the same descriptors, so every rank raises the same error.
    private func validate(_ d: [[Int64]], local: Tensor, label: String) throws {
        func text(_ r: Int) -> String {
            let dt = DType.allCases.indices.contains(Int(d[r][0])) ? DType.allCases[Int(d[r][0])].rawValue : "dtype #\(d[r][0])"
            return "allGather of \(dt), rank \(d[r][1]), \(d[r][3]) elements per row"
        }
        if let bad = d.indices.first(where: { d[$0][1] == 0 }) {
            if bad == rank {
                throw BackendError.invalidArgument(operation: "allGather", label: label, rank: rank, expected: "a tensor of rank >= 1 (rows along the first axis), got a zero-dimensional tensor")
            }
            throw BackendError.mismatchedCollective(operation: "allGather", label: label, rank: rank, detail: "rank \(bad) passed a zero-dimensional tensor")
        }
        if let q = d.indices.first(where: { d[$0][0] != d[0][0] || d[$0][1] != d[0][1] || d[$0][3] != d[0][3] || d[$0][4] != d[0][4] }) {
            throw BackendError.mismatchedCollective(operation: "allGather", label: label, rank: rank,
                                                    detail: "rank 0 called \(text(0)), rank \(q) called \(text(q)) (this rank's tensor: \(local.dtype.rawValue) \(local.shape))")
        }
    }

    private func gatherv(_ send: UnsafeRawPointer, _ count: Int, _ recv: UnsafeMutableRawPointer, counts: [Int], type: MPI_Datatype?, label: String, deadline: Deadline) throws {
        // MPI may read the counts and displacements until the request
        // completes, so they live in buffers this call owns (leaked on a timeout).
        let k = counts.count
        let c32 = UnsafeMutablePointer<Int32>.allocate(capacity: k), displs = UnsafeMutablePointer<Int32>.allocate(capacity: k)
        var completed = false
        defer { if completed { c32.deallocate(); displs.deallocate() } }
        var at: Int32 = 0
        for r in 0..<k {
            c32[r] = Int32(counts[r])
            displs[r] = at
            at += c32[r]
        }
        var request: MPI_Request? = vernier_mpi_request_null()
        try check(MPI_Iallgatherv(send, Int32(count), type, recv, c32, displs, type, comm, &request), "allGather", label: label)
        try wait(&request, "allGather", label: label, deadline: deadline)
        completed = true
    }

    /// Round `j` moves elements `j*q ..< (j+1)*q` of every rank's share
    /// (`q = maxElementsPerCall / worldSize`) into a staging buffer of at most
    /// `maxElementsPerCall` elements, then copies them to their place.
    private func gatherInRounds(_ send: UnsafeRawPointer, _ recv: UnsafeMutableRawPointer, counts: [Int], width: Int, type: MPI_Datatype?, label: String, deadline: Deadline) throws {
        let quota = Swift.max(1, configuration.maxElementsPerCall / worldSize)
        let rounds = counts.map { ($0 + quota - 1) / quota }.max() ?? 0
        let bases = counts.indices.map { counts[..<$0].reduce(0, +) }
        let staging = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, quota * worldSize * width), alignment: 64)
        var completed = false
        // On a timeout MPI may still write into the staging buffer: leak it then.
        defer { if completed { staging.deallocate() } }
        for j in 0..<rounds {
            let part = counts.map { Swift.min(Swift.max($0 - j * quota, 0), quota) }
            var at = 0
            let displs = part.map { c -> Int in defer { at += c }; return at }
            try gatherv(send + Swift.min(j * quota, counts[rank]) * width, part[rank], staging, counts: part, type: type, label: label, deadline: deadline)
            for r in 0..<worldSize where part[r] > 0 {
                (recv + (bases[r] + j * quota) * width).copyMemory(from: staging + displs[r] * width, byteCount: part[r] * width)
            }
        }
        completed = true
    }

    // MARK: - Requests, errors, state (called with `lock` held)

    private func checkUsable(_ operation: String, _ label: String) throws {
        if let reason = brokenReason {
            throw BackendError.broken(operation: operation, label: label, rank: rank, reason: reason)
        }
    }

    private func check(_ rc: Int32, _ operation: String, label: String) throws {
        guard rc != vernier_mpi_success() else { return }
        let detail = MPIRuntime.errorString(rc)
        brokenReason = "\(operation) failed on rank \(rank): \(detail)"
        throw BackendError.transport(operation: operation, label: label, rank: rank, detail: detail)
    }

    /// Polls `request` until it completes or `deadline` passes. Spins with
    /// `sched_yield` for the first milliseconds (collectives among healthy
    /// ranks finish in microseconds, and MPI makes progress only inside
    /// `MPI_Test`), then sleeps between polls, so ranks waiting for a slow
    /// peer leave the cores to it.
    private func wait(_ request: inout MPI_Request?, _ operation: String, label: String, deadline: Deadline) throws {
        var done: Int32 = 0
        let spinUntil = ContinuousClock.now + .milliseconds(5)
        while true {
            try check(MPI_Test(&request, &done, vernier_mpi_status_ignore()), operation, label: label)
            if done != 0 { return }
            if deadline.hasExpired { try timedOut(operation, label: label, deadline: deadline) }
            if ContinuousClock.now < spinUntil { sched_yield() } else { usleep(50) }
        }
    }

    private func timedOut(_ operation: String, label: String, deadline: Deadline) throws -> Never {
        brokenReason = "\(operation) timed out on rank \(rank)"
        MPIRuntime.abandonedRequests.set()
        let error = BackendError.timeout(
            operation: operation, label: label, rank: rank, worldSize: worldSize, timeout: deadline.description,
            detail: "not every rank reached this collective (a rank hung, crashed or issued other collectives); MPI cannot cancel it")
        if case .abort(let code) = configuration.timeoutAction {
            FileHandle.standardError.write(Data("vernier: \(error)\nvernier: aborting the MPI job (exit code \(code))\n".utf8))
            MPI_Abort(vernier_mpi_comm_world(), code)
            exit(code)
        }
        throw error
    }

    private func mpiType(_ dtype: DType) -> MPI_Datatype? {
        switch dtype {
        case .float32: return vernier_mpi_float()
        case .float64: return vernier_mpi_double()
        case .int64: return vernier_mpi_int64()
        case .int32: return vernier_mpi_int32()
        case .uint8, .bool: return vernier_mpi_uint8()
        }
    }

    /// Runs `body` on the tensor's writable bytes (switching on the dtype
    /// once); if it throws, `onAbandon` receives the tensor, whose buffer a
    /// pending request may still use, before the error propagates.
    private func withMutableBytes(_ t: inout Tensor, _ body: (UnsafeMutableRawPointer) throws -> Void, onAbandon: (Tensor) -> Void) throws {
        func run<T: TensorElement>(_: T.Type) throws {
            try t.withUnsafeMutableBuffer(as: T.self) { try body(UnsafeMutableRawPointer($0.baseAddress!)) }
        }
        do {
            switch t.dtype {
            case .float32: try run(Float.self)
            case .float64: try run(Double.self)
            case .int64: try run(Int64.self)
            case .int32: try run(Int32.self)
            case .uint8: try run(UInt8.self)
            case .bool: try run(Bool.self)
            }
        } catch {
            onAbandon(t)
            throw error
        }
    }
}
