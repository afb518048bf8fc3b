/// Errors raised by distributed backends. Every message names the rank, the
/// collective and what it was reducing (the `label`, e.g. "metric 'mse',
/// state 'total'"), so a log line from any rank says where the job stopped.
public enum BackendError: Error, CustomStringConvertible, Sendable {
    /// A collective did not complete by its deadline: some rank never
    /// arrived, or is stuck. The backend is broken afterwards.
    case timeout(operation: String, label: String, rank: Int, worldSize: Int, timeout: String, detail: String)
    /// Ranks issued different collectives at the same position of their
    /// sequences (another operation, dtype, shape or order). Raised on every
    /// rank of the collective; the backend stays usable.
    case mismatchedCollective(operation: String, label: String, rank: Int, detail: String)
    /// An earlier timeout or transport error left the backend unusable.
    case broken(operation: String, label: String, rank: Int, reason: String)
    /// An argument the backend cannot handle (e.g. an unsupported dtype).
    case invalidArgument(operation: String, label: String, rank: Int, expected: String)
    /// The transport (MPI) reported an error.
    case transport(operation: String, label: String, rank: Int, detail: String)
    /// A setting (environment variable, option) is malformed.
    case invalidConfiguration(String)

    /// The message: rank, operation, label, and what went wrong.
    public var description: String {
        func at(_ op: String, _ label: String, _ rank: Int) -> String {
            "rank \(rank): \(op)" + (label.isEmpty ? "" : " of \(label)")
        }
        switch self {
        case let .timeout(op, label, rank, world, timeout, detail):
            return "\(at(op, label, rank)) timed out after \(timeout) (world size \(world)): \(detail); the backend is now broken"
        case let .mismatchedCollective(op, label, rank, detail):
            return "\(at(op, label, rank)): mismatched collective: \(detail)"
        case let .broken(op, label, rank, reason):
            return "\(at(op, label, rank)): the backend is broken by an earlier failure (\(reason)); no collective can run on it"
        case let .invalidArgument(op, label, rank, expected):
            return "\(at(op, label, rank)): expected \(expected)"
        case let .transport(op, label, rank, detail):
            return "\(at(op, label, rank)) failed: \(detail)"
        case let .invalidConfiguration(m):
            return "invalid distributed configuration: \(m)"
        }
    }
}
