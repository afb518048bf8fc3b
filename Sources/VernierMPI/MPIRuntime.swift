internal import CMPI
import Foundation
import VernierCore

/// Process-wide MPI initialisation and finalisation.
///
/// MPI can be initialised once per process and must be finalised exactly
/// once: a rank that exits without `MPI_Finalize` fails the whole job even
/// when it returned 0, and MPI cannot be initialised again after it. This
/// type owns both ends: the first ``MPIBackend`` initialises MPI (with
/// `MPI_THREAD_SERIALIZED`, because Swift code hops threads; every call is
/// serialised by the backend's lock) and registers `MPI_Finalize` with
/// `atexit`. When the host program initialised MPI itself, it keeps
/// ownership of finalisation.
enum MPIRuntime {
    /// The outcome of the one-time initialisation (Swift runs a static
    /// initialiser exactly once, thread-safely).
    private static let initialization: Result<Void, BackendError> = initialize()

    /// Initialises MPI if no one has yet.
    ///
    /// - Throws: ``BackendError/transport(operation:label:rank:detail:)`` when
    ///   MPI cannot be initialised, was already finalised, or runs below
    ///   `MPI_THREAD_SERIALIZED`.
    static func ensureInitialized() throws { try initialization.get() }

    /// Set when a timed-out request was abandoned: `MPI_Finalize` could wait
    /// for it forever, so the process then exits without finalising (and
    /// `mpirun` reports the failure, which is the truth).
    static let abandonedRequests = Flag()

    private static func initialize() -> Result<Void, BackendError> {
        func failure(_ detail: String) -> Result<Void, BackendError> {
            .failure(.transport(operation: "MPI_Init_thread", label: "", rank: -1, detail: detail))
        }
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        if flag != 0 { return failure("MPI was already finalised in this process and cannot be initialised again") }
        MPI_Initialized(&flag)
        var provided: Int32 = 0
        if flag == 0 {
            let rc = MPI_Init_thread(nil, nil, vernier_mpi_thread_serialized(), &provided)
            if rc != vernier_mpi_success() { return failure(MPIRuntime.errorString(rc)) }
            atexit(finalizeMPIAtExit)
        } else {
            MPI_Query_thread(&provided)
        }
        if provided < vernier_mpi_thread_serialized() {
            return failure("MPI provides thread level \(provided), below MPI_THREAD_SERIALIZED (\(vernier_mpi_thread_serialized())); "
                + "initialise MPI with MPI_Init_thread(..., MPI_THREAD_SERIALIZED, ...) or let Vernier initialise it")
        }
        NaNPropagatingOps.create()
        return .success(())
    }

    /// Finalises MPI at process exit, once, unless someone already did or a
    /// request was abandoned.
    static func finalize() {
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        guard flag == 0, !abandonedRequests.isSet else { return }
        MPI_Finalize()
    }

    /// MPI's message for an error code.
    static func errorString(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(vernier_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &buffer, &length) == vernier_mpi_success() else { return "MPI error code \(code)" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) + " (MPI error \(code))"
    }
}

/// `atexit` takes a C function pointer, which a global function without
/// captures converts to.
private func finalizeMPIAtExit() { MPIRuntime.finalize() }

/// A thread-safe boolean that can only be set.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// `MPI_MIN` and `MPI_MAX` on floats keep whichever operand the comparison
/// picks, so a NaN on one rank may or may not survive. ``Reduction/min``
/// and ``Reduction/max`` propagate NaN (and ``Metric/merge(_:)`` does), so
/// float min/max use these user-defined operations instead.
enum NaNPropagatingOps {
    nonisolated(unsafe) private(set) static var min: MPI_Op? = nil
    nonisolated(unsafe) private(set) static var max: MPI_Op? = nil

    /// Creates both operations; called once, from ``MPIRuntime``'s one-time
    /// initialisation, before any backend can read them.
    static func create() {
        MPI_Op_create(nanMin, 1, &min)
        MPI_Op_create(nanMax, 1, &max)
    }
}

private func nanMin(_ input: UnsafeMutableRawPointer?, _ accumulator: UnsafeMutableRawPointer?, _ count: UnsafeMutablePointer<Int32>?, _ type: UnsafeMutablePointer<MPI_Datatype?>?) {
    combineElements(input, accumulator, count, type) { a, b in a.isNaN || b.isNaN ? .nan : Swift.min(a, b) } double: { a, b in a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
}

private func nanMax(_ input: UnsafeMutableRawPointer?, _ accumulator: UnsafeMutableRawPointer?, _ count: UnsafeMutablePointer<Int32>?, _ type: UnsafeMutablePointer<MPI_Datatype?>?) {
    combineElements(input, accumulator, count, type) { a, b in a.isNaN || b.isNaN ? .nan : Swift.max(a, b) } double: { a, b in a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
}

/// `accumulator[i] = f(input[i], accumulator[i])` for float or double elements.
@inline(__always)
private func combineElements(
    _ input: UnsafeMutableRawPointer?, _ accumulator: UnsafeMutableRawPointer?, _ count: UnsafeMutablePointer<Int32>?,
    _ type: UnsafeMutablePointer<MPI_Datatype?>?, float: (Float, Float) -> Float, double: (Double, Double) -> Double
) {
    guard let input, let accumulator, let count, let type else { return }
    let n = Int(count.pointee)
    if type.pointee == vernier_mpi_double() {
        let a = input.assumingMemoryBound(to: Double.self), b = accumulator.assumingMemoryBound(to: Double.self)
        for i in 0..<n { b[i] = double(a[i], b[i]) }
    } else {
        let a = input.assumingMemoryBound(to: Float.self), b = accumulator.assumingMemoryBound(to: Float.self)
        for i in 0..<n { b[i] = float(a[i], b[i]) }
    }
}
