import Foundation

/// The moment by which a collective (or a whole sync) must have completed.
///
/// A deadline is absolute, so one deadline can bound a sequence of
/// collectives: ``Metric/sync(over:deadline:)`` passes the same deadline to
/// every collective it issues, and the whole sync ends by then.
///
/// ```swift
/// try metric.sync(over: backend, deadline: .seconds(30))
/// ```
public struct Deadline: Sendable, CustomStringConvertible {
    /// When the time runs out.
    public let instant: ContinuousClock.Instant
    /// The time that was allowed when the deadline was set (for messages).
    public let timeout: Duration

    /// The deadline `timeout` from now. A zero or negative timeout has
    /// already expired: a collective with it fails unless it completes at once.
    public static func after(_ timeout: Duration) -> Deadline {
        Deadline(instant: .now + timeout, timeout: timeout)
    }

    /// The deadline `seconds` from now.
    public static func seconds(_ seconds: Double) -> Deadline { .after(.seconds(seconds)) }

    /// The time left (negative once expired).
    public var remaining: Duration { instant - .now }

    /// Whether the deadline has passed.
    public var hasExpired: Bool { ContinuousClock.now >= instant }

    /// `2.5 s` style text of ``timeout``.
    public var description: String { Deadline.format(timeout) }

    /// `1.25 s` style text of a duration.
    static func format(_ d: Duration) -> String { String(format: "%.3g s", d.seconds) }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}

/// The default deadline of a metric sync.
public enum SyncTimeout {
    /// The timeout used when none is given and `VERNIER_SYNC_TIMEOUT` is unset: 300 s.
    /// Generous, because a healthy rank may still be busy updating its share.
    public static let standard: Duration = .seconds(300)

    /// The name of the environment variable that overrides ``standard`` (seconds, e.g. `90` or `2.5`).
    public static let environmentVariable = "VERNIER_SYNC_TIMEOUT"

    /// The sync timeout: `VERNIER_SYNC_TIMEOUT` seconds when set, else ``standard``.
    ///
    /// - Throws: ``BackendError/invalidConfiguration(_:)`` when the variable is
    ///   set but is not a positive, finite number of seconds (a typo must not
    ///   silently turn into a five-minute wait or no wait at all).
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Duration {
        guard let text = environment[environmentVariable] else { return standard }
        guard let s = Double(text.trimmingCharacters(in: .whitespaces)), s.isFinite, s > 0 else {
            throw BackendError.invalidConfiguration("\(environmentVariable)='\(text)': expected a positive number of seconds")
        }
        return .seconds(s)
    }
}
