/// What a Lua plugin can reach: the sandbox policy, as data, in one place.
///
/// The sandbox is built from an allow-list: the standard libraries are
/// opened in a staging area and only the names below are copied into a
/// fresh, read-only base environment. Every script gets a private `_ENV`
/// whose reads fall through to that base. Anything not listed is absent.
///
/// The tests check every listed name is present in a live sandbox and every
/// name in ``removed`` is absent.
public struct SandboxPolicy: Sendable, Equatable {
    /// Base functions (globals) the script may use.
    public let baseFunctions: [String]
    /// Library tables and the functions each keeps. Each table is read-only
    /// in the sandbox (writes, `rawset` and `setmetatable` raise).
    public let libraries: [String: [String]]
    /// Names left out on purpose, with the reason (documentation and tests).
    public let removed: [String: String]
    /// Names whose standard implementation is replaced by the host.
    public let replaced: [String: String]
    /// The seed of `math.random` (fixed, so runs are reproducible).
    public let randomSeed: Int64

    /// The policy every plugin runs under.
    public static let standard = SandboxPolicy(
        baseFunctions: [
            "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "rawequal", "rawget",
            "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "warn", "xpcall", "_VERSION",
        ],
        libraries: [
            "string": [
                "byte", "char", "format", "len", "lower", "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
                "find", "contains", "starts_with", "ends_with", "trim", "split",
            ],
            "table": ["concat", "insert", "pack", "remove", "sort", "unpack"],
            "math": [
                "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log", "max",
                "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random", "sin", "sqrt", "tan", "tointeger",
                "type", "ult",
            ],
            "utf8": ["char", "charpattern", "codepoint", "codes", "len", "offset"],
            "coroutine": ["close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield"],
        ],
        removed: [
            "load": "compiles any string, binary chunks included (bytecode can crash the VM)",
            "loadfile": "reads files", "dofile": "reads and runs files",
            "require": "loads modules, native .so files included", "package": "module loader state and C loaders",
            "io": "files and processes", "os": "processes, environment, clock and files",
            "debug": "reaches every local, upvalue, metatable and the registry; can remove hooks",
            "collectgarbage": "can stop the collector; memory is the host's business",
            "_G": "the unfiltered global table; scripts use _ENV",
            "string.dump": "produces bytecode",
            "string.match": "Lua patterns can run for minutes in one C call (no hook can stop it)",
            "string.gmatch": "Lua patterns (see string.match)", "string.gsub": "Lua patterns (see string.match)",
            "math.randomseed": "reseeding would make runs irreproducible",
            "table.move": "one C loop over any integer range (table.move({}, 1, math.maxinteger - 1, 2) never ends; no hook runs)",
        ],
        replaced: [
            "print": "sends the line to the host logger", "warn": "sends the line to the host logger",
            "setmetatable": "refuses metatables with __gc (finalizers run with hooks off)",
            "rawset": "refuses read-only library tables",
            "table.insert": "refuses tables with __len (a huge length makes the shifting C loop endless)",
            "table.remove": "refuses tables with __len (see table.insert)",
            "xpcall": "runs the message handler after the error has unwound (Lua runs it with hooks off for hook errors)",
            "string.find": "plain-text search only (the 4th argument must be true); linear time",
            "string.contains": "added: plain substring test", "string.starts_with": "added: prefix test",
            "string.ends_with": "added: suffix test", "string.trim": "added: strips ASCII whitespace at both ends",
            "string.split": "added: plain split on a separator, or on whitespace runs",
        ],
        randomSeed: 0x5eed
    )

    /// The allow-list in the shim's format: one `lib.name` per line,
    /// `_G.name` for base functions, sorted.
    var allowlist: String {
        var lines = baseFunctions.map { "_G.\($0)" }
        for (lib, names) in libraries { lines += names.map { "\(lib).\($0)" } }
        return lines.sorted().joined(separator: "\n")
    }
}
