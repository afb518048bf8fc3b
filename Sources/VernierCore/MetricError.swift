/// Errors raised by metrics. Every message names the metric, the argument
/// or option, and what was expected.
public enum MetricError: Error, CustomStringConvertible, Sendable {
    /// An update argument failed validation (shape, dtype, range, NaN, emptiness).
    case invalidInput(metric: String, argument: String, expected: String)
    /// A required update argument is missing.
    case missingInput(metric: String, argument: String)
    /// An option is unknown, ill-typed, or out of range.
    case invalidOption(metric: String, option: String, expected: String)
    /// No metric of that name is registered.
    case unknownMetric(name: String, known: [String])
    /// `compute` was called before any `update`.
    case noUpdates(metric: String)
    /// States do not match a declaration (merge, load, sync).
    case stateMismatch(metric: String, state: String, detail: String)
    /// A checkpoint file is unreadable, of another metric, or corrupt.
    case checkpoint(metric: String, detail: String)
    /// A metric cannot be merged with an instance of another metric or other options.
    case incompatible(metric: String, detail: String)
    /// Anything else, with a message that says what went wrong.
    case failed(metric: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidInput(m, a, e): return "\(m): argument '\(a)': expected \(e)"
        case let .missingInput(m, a): return "\(m): missing argument '\(a)'"
        case let .invalidOption(m, o, e): return "\(m): option '\(o)': expected \(e)"
        case let .unknownMetric(n, known):
            let close = known.filter { $0.contains(n) || n.contains($0) }.prefix(5)
            let hint = close.isEmpty ? "run `vernier metrics` for the list" : "did you mean \(close.joined(separator: ", "))?"
            return "unknown metric '\(n)' (\(known.count) known; \(hint))"
        case let .noUpdates(m): return "\(m): compute() called before any update(); there is nothing to compute"
        case let .stateMismatch(m, s, d): return "\(m): state '\(s)': \(d)"
        case let .checkpoint(m, d): return "\(m): checkpoint: \(d)"
        case let .incompatible(m, d): return "\(m): \(d)"
        case let .failed(m, d): return "\(m): \(d)"
        }
    }
}
