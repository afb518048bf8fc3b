internal import CLuaShim
import Foundation
import VernierTensor

/// A line a script sent with `print` or `warn`.
public struct LuaLogRecord: Sendable {
    /// Whether the script called `print` or `warn`.
    public enum Level: String, Sendable {
        /// `print(...)`
        case print
        /// `warn(...)`, and Lua's own warnings
        case warn
    }
    /// The script's display name (`file.lua`).
    public let file: String
    /// `print` or `warn`.
    public let level: Level
    /// The arguments converted with `tostring` and joined by tabs.
    public let message: String
}

/// Receives what scripts print. The default writes `[file] message` to stderr.
public typealias LuaLogHandler = @Sendable (LuaLogRecord) -> Void

/// The default ``LuaLogHandler``: one line on stderr.
public let luaStderrLogger: LuaLogHandler = { record in
    let prefix = record.level == .warn ? "warning: " : ""
    FileHandle.standardError.write(Data("[\(record.file)] \(prefix)\(record.message)\n".utf8))
}

/// The Swift object behind a host closure: a Swift function the C trampoline
/// calls with the Lua state. It returns the number of results, or -1 with an
/// error message pushed (the trampoline raises it after this frame returns).
final class HostFunction {
    let body: (OpaquePointer) -> Int32
    init(_ body: @escaping (OpaquePointer) -> Int32) { self.body = body }
}

/// A tensor held by a Lua userdata (retained by the userdata, released by its `__gc`).
final class TensorBox {
    let tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }
}

private let hostEntry: vl_host_entry = { L, box in
    Unmanaged<HostFunction>.fromOpaque(box!).takeUnretainedValue().body(L!)
}

private let releaseTensor: vl_release_fn = { box in
    Unmanaged<TensorBox>.fromOpaque(box!).release()
}

private let logEntry: vl_log_fn = { ud, level, msg, len in
    guard let ud, let msg else { return }
    let sandbox = Unmanaged<LuaSandbox>.fromOpaque(ud).takeUnretainedValue()
    let text = String(decoding: UnsafeRawBufferPointer(start: msg, count: len), as: UTF8.self)
    sandbox.log(LuaLogRecord(file: sandbox.file, level: level == 0 ? .print : .warn, message: text))
}

/// Private registry slots of a state (see `vl_set_slot`).
enum LuaSlot: Int32 {
    /// The definition's functions: `[1]` states, `[2]` update, `[3]` compute.
    case functions = 0
    /// The metatable marking option specs made by `metric.required`/`optional`/`choice`.
    case optionMarker = 1
    /// The instance's read-only options table.
    case options = 2
    /// Custom reducers, indexed by state position (1-based).
    case reducers = 3
    /// Host tensors (inputs, states) lent to Lua during the current protected
    /// scope; released when it ends, so a script cannot keep host memory alive
    /// across calls.
    case borrowed = 4
    /// The metatable marking `uses` entries made by `metric.builtin`.
    case useMarker = 5
    /// `metric.import`'s table: `[1]` module values by name, `[2]` the
    /// metatable of the guard closing a running module.
    case modules = 6
}

/// One sandboxed Lua state: the C context, the host functions registered in
/// it, and the protected-call machinery. Not reentrant: every entry point
/// takes the lock, and host functions never call back into another entry point.
///
/// Swift touches the Lua API only (a) inside a protected scope
/// (``protected(_:)``), run as a host function under `lua_pcall`, or (b) in a
/// host function called by Lua through the C trampoline. In both the heap cap
/// is lifted, so an allocation fails only on real exhaustion.
final class LuaSandbox: @unchecked Sendable {
    let L: OpaquePointer
    let context: UnsafeMutablePointer<vl_context>
    /// The display name used in messages (`file.lua`).
    let file: String
    private(set) var limits: LuaLimits
    private let logHandler: LuaLogHandler
    private var hostFunctions: [HostFunction] = []
    private let lock = NSLock()
    /// Set by a host function that refused a tensor for the budget; read when a call fails.
    var tensorBudgetRefused = false
    /// The definition captured by `metric.define` in this state.
    var definition: LuaMetricDefinition?
    /// Set by `metric.check`, read when `update` fails: (argument, expected).
    var failedCheck: (argument: String, expected: String)?
    /// `metric.import`'s state: where modules come from, which were read.
    let importer: LuaImporter

    /// Growth of the counted tensor bytes since the last collection above
    /// which a full collection runs after a call: temporaries are held by tiny
    /// userdata the collector does not weigh, and collecting them right away
    /// hands their buffers back to the tensor buffer pool for the next call
    /// (left to Lua's own pace, every call of a batch loop took fresh pages).
    static let collectThreshold: Int64 = 1 << 20
    /// Counted tensor bytes held right after the last collection.
    private var bytesAfterCollect: Int64 = 0

    init(
        file: String, limits: LuaLimits, policy: SandboxPolicy = .standard, modules: LuaModuleSource = .none,
        log: @escaping LuaLogHandler = luaStderrLogger
    ) throws {
        self.file = file
        self.limits = limits
        self.logHandler = log
        importer = LuaImporter(source: modules)
        context = .allocate(capacity: 1)
        context.initialize(to: vl_context())
        context.pointee.heap_limit = limits.heapBytes
        context.pointee.host_entry = hostEntry
        context.pointee.release_tensor = releaseTensor
        context.pointee.log = logEntry
        guard let state = vl_newstate(context) else {
            context.deallocate()
            throw LuaError.setup(file: file, message: "not enough memory")
        }
        L = state
        context.pointee.log_ud = Unmanaged.passUnretained(self).toOpaque()
        let status = vl_open_sandbox(L, policy.allowlist, lua_Integer(policy.randomSeed))
        if status != LUA_OK {
            throw LuaError.setup(file: file, message: popMessage() ?? "status \(status)")
        }
        try protected { stack in
            try TensorLibrary.install(in: stack)
            try MetricLibrary.install(in: stack)
        }
    }

    deinit {
        // lua_close runs the tensor finalizers (releasing the Swift boxes);
        // scripts cannot register finalizers of their own.
        lua_close(L)
        context.deallocate()
    }

    /// Applies new limits (after the script asked for some in `metric.define`).
    func setLimits(_ new: LuaLimits) {
        limits = new
        context.pointee.heap_limit = new.heapBytes
    }

    func log(_ record: LuaLogRecord) { logHandler(record) }

    /// Bytes the Lua allocator holds for this state.
    var heapBytes: Int { context.pointee.heap_used }
    /// Bytes of counted tensors still referenced from Lua.
    var tensorBytes: Int64 { context.pointee.tensor_bytes }

    /// Registers a Swift host function and pushes its closure. Host code only.
    /// `name` prefixes error messages (nil: the message stands alone).
    func pushHostFunction(_ name: String?, _ body: @escaping (LuaStack) throws -> Int32) {
        let fn = HostFunction { [unowned self] L in
            let stack = LuaStack(L, self)
            do {
                return try body(stack)
            } catch {
                let text = LuaSandbox.message(of: error)
                stack.pushString(name.map { "\($0): \(text)" } ?? text)
                return -1
            }
        }
        hostFunctions.append(fn)
        vl_push_host_function(L, Unmanaged.passUnretained(fn).toOpaque())
    }

    static func message(of error: Error) -> String { String(describing: error) }

    /// Runs `body` as a protected host scope (under `lua_pcall`): the stack is
    /// restored afterwards, and Swift errors thrown by `body` are rethrown
    /// here unchanged. Takes the sandbox lock.
    func protected<R>(_ body: (LuaStack) throws -> R) throws -> R {
        try lock.withLock {
            let base = lua_gettop(L)
            defer { lua_settop(L, base) }
            var outcome: Result<R, Error>?
            let status = withoutActuallyEscaping(body) { body -> Int32 in
                let fn = HostFunction { [unowned self] L in
                    outcome = Result { try body(LuaStack(L, self)) }
                    releaseBorrowed()
                    return 0
                }
                return withExtendedLifetime(fn) {
                    vl_protected(L, Unmanaged.passUnretained(fn).toOpaque(), 0, 0)
                }
            }
            if status != LUA_OK || outcome == nil {
                throw LuaError.setup(file: file, message: popMessage() ?? "not enough memory")
            }
            return try outcome!.get()
        }
    }

    /// Calls the function below `nargs` arguments under the limits; on
    /// success `nresults` results replace them. `call` names the entry point
    /// in errors. Inside a protected scope only.
    func call(_ call: String, nargs: Int32, nresults: Int32) throws {
        tensorBudgetRefused = false
        failedCheck = nil
        var tripped: Int32 = 0
        let status = vl_call(
            L, nargs, nresults, Int64(clamping: limits.instructionsPerCall), limits.secondsPerCall, &tripped
        )
        if context.pointee.tensor_bytes - bytesAfterCollect > LuaSandbox.collectThreshold {
            vl_collect(L)
            bytesAfterCollect = context.pointee.tensor_bytes
        }
        if status == LUA_OK { return }
        let text = popMessage() ?? "not enough memory"
        let (message, traceback) = LuaSandbox.splitTraceback(text)
        switch Int(tripped) {
        case Int(VL_TRIP_INSTRUCTIONS):
            throw LuaError.limitExceeded(file: file, call: call, limit: .instructions, detail: "more than \(limits.instructionsPerCall) instructions (\(message))")
        case Int(VL_TRIP_DEADLINE):
            throw LuaError.limitExceeded(file: file, call: call, limit: .time, detail: "ran longer than \(limits.secondsPerCall) s (\(message))")
        case Int(VL_TRIP_UNARMED):
            throw LuaError.runtime(file: file, call: call, message: message, traceback: traceback)
        default: break
        }
        if status == LUA_ERRMEM {
            throw LuaError.limitExceeded(file: file, call: call, limit: .heap, detail: "the Lua heap would exceed \(limits.heapBytes) bytes")
        }
        if tensorBudgetRefused {
            throw LuaError.limitExceeded(file: file, call: call, limit: .tensorBytes, detail: message)
        }
        throw LuaError.runtime(file: file, call: call, message: message, traceback: traceback)
    }

    /// Releases every host tensor lent during the scope and empties the list
    /// (raw reads, and nil writes to existing keys, which do not allocate).
    private func releaseBorrowed() {
        guard lua_checkstack(L, 3) != 0 else { return }
        vl_get_slot(L, LuaSlot.borrowed.rawValue)
        guard lua_type(L, -1) == LUA_TTABLE else { return vl_pop(L, 1) }
        let n = lua_rawlen(L, -1)
        if n > 0 {
            for i in 1...n {
                lua_rawgeti(L, -1, lua_Integer(i))
                vl_release_tensor(L, -1)
                vl_pop(L, 1)
                lua_pushnil(L)
                lua_rawseti(L, -2, lua_Integer(i))
            }
        }
        vl_pop(L, 1)
    }

    /// Pops the error value at the top; its text when it is a string.
    private func popMessage() -> String? {
        guard lua_gettop(L) > 0 else { return nil }
        var len = 0
        let text = vl_tostring(L, -1, &len).map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: len), as: UTF8.self)
        }
        vl_pop(L, 1)
        return text
    }

    static func splitTraceback(_ text: String) -> (String, String) {
        guard let r = text.range(of: "\nstack traceback:") else { return (text, "") }
        return (String(text[..<r.lowerBound]), String(text[text.index(after: r.lowerBound)...]))
    }
}
