/// Errors of the Lua plugin runtime. Every case names the script (`file`)
/// and, where one was running, the call (`load`, `states`, `update`,
/// `compute`, `reduce state 'x'`).
public enum LuaError: Error, CustomStringConvertible, Sendable {
    /// The file cannot be read, or is not valid Lua text (the message holds
    /// `file:line:` of the syntax error). Bytecode is refused here too.
    case load(file: String, message: String)
    /// The script raised an error (or a tensor operation failed). `message`
    /// starts with `file:line:`; `traceback` is Lua's stack traceback.
    case runtime(file: String, call: String, message: String, traceback: String)
    /// A call exceeded one of the ``LuaLimits``.
    case limitExceeded(file: String, call: String, limit: LuaLimit, detail: String)
    /// The `metric.define` table, or a value a call returned, breaks the
    /// contract (Docs/Lua-API.md).
    case contract(file: String, call: String, message: String)
    /// The Lua state could not be created or set up (out of memory).
    case setup(file: String, message: String)

    /// One line (plus the traceback for runtime errors), starting with the file.
    public var description: String {
        switch self {
        case let .load(file, message): return "\(file): cannot load: \(message)"
        case let .runtime(file, call, message, traceback):
            let tb = traceback.isEmpty ? "" : "\n\(traceback)"
            return "\(file): error in \(call): \(message)\(tb)"
        case let .limitExceeded(file, call, limit, detail): return "\(file): \(call) exceeded the \(limit.rawValue) limit: \(detail)"
        case let .contract(file, call, message): return "\(file): \(call): \(message)"
        case let .setup(file, message): return "\(file): cannot create the Lua state: \(message)"
        }
    }

    /// The file the error is about.
    public var file: String {
        switch self {
        case .load(let f, _), .runtime(let f, _, _, _), .limitExceeded(let f, _, _, _), .contract(let f, _, _), .setup(let f, _): return f
        }
    }
}
