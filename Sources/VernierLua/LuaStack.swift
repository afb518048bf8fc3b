internal import CLuaShim
import VernierTensor

/// An error a host function raises into Lua (the message becomes the Lua
/// error, prefixed with the caller's `file:line:`).
struct LuaBindingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Swift's view of a Lua stack inside host code: reads use only non-raising
/// API calls (raw access, no conversions that allocate); pushes allocate,
/// which is safe in host code because the heap cap is lifted there.
struct LuaStack {
    let L: OpaquePointer
    unowned let sandbox: LuaSandbox

    init(_ L: OpaquePointer, _ sandbox: LuaSandbox) {
        self.L = L
        self.sandbox = sandbox
    }

    var top: Int32 { lua_gettop(L) }
    func absolute(_ i: Int32) -> Int32 { lua_absindex(L, i) }
    func type(at i: Int32) -> Int32 { lua_type(L, i) }
    func isNoneOrNil(_ i: Int32) -> Bool { lua_type(L, i) <= LUA_TNIL }
    func typeName(at i: Int32) -> String {
        if vl_to_tensor(L, i) != nil { return "tensor" }
        if vl_is_released_tensor(L, i) != 0 {
            return "released tensor (an input or state tensor is valid only during the call that received it)"
        }
        return String(cString: lua_typename(L, lua_type(L, i)))
    }
    func pop(_ n: Int32 = 1) { vl_pop(L, n) }
    func setTop(_ n: Int32) { lua_settop(L, n) }

    /// Makes room for `n` more values.
    func reserve(_ n: Int32) throws {
        guard lua_checkstack(L, n) != 0 else { throw LuaBindingError("Lua stack overflow") }
    }

    // MARK: Reading

    func tensor(at i: Int32) -> Tensor? {
        guard let box = vl_to_tensor(L, i) else { return nil }
        return Unmanaged<TensorBox>.fromOpaque(box).takeUnretainedValue().tensor
    }

    /// The number at `i` (numbers only; strings are not converted).
    func number(at i: Int32) -> Double? {
        guard lua_type(L, i) == LUA_TNUMBER else { return nil }
        return lua_tonumberx(L, i, nil)
    }

    /// The integer at `i`: a Lua integer, or a float with an integral value.
    func integer(at i: Int32) -> Int64? {
        guard lua_type(L, i) == LUA_TNUMBER else { return nil }
        var ok: Int32 = 0
        let v = lua_tointegerx(L, i, &ok)
        return ok != 0 ? v : nil
    }

    func isInteger(at i: Int32) -> Bool { vl_isinteger(L, i) != 0 }

    func bool(at i: Int32) -> Bool? {
        guard lua_type(L, i) == LUA_TBOOLEAN else { return nil }
        return lua_toboolean(L, i) != 0
    }

    func string(at i: Int32) -> String? {
        var len = 0
        guard let p = vl_tostring(L, i, &len) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    func isTable(at i: Int32) -> Bool { lua_type(L, i) == LUA_TTABLE }
    func isFunction(at i: Int32) -> Bool { lua_type(L, i) == LUA_TFUNCTION }
    func rawLength(at i: Int32) -> Int { Int(lua_rawlen(L, i)) }

    /// Pushes `t[key]` (raw) and returns its type.
    @discardableResult
    func rawGet(_ t: Int32, _ key: String) -> Int32 {
        let t = absolute(t)
        pushString(key)
        return lua_rawget(L, t)
    }

    /// Pushes `t[i]` (raw) and returns its type.
    @discardableResult
    func rawGet(_ t: Int32, index i: Int) -> Int32 { lua_rawgeti(L, t, lua_Integer(i)) }

    /// Calls `body` with each key (at -2) and value (at -1) of the table at
    /// `t` (raw traversal; the body must leave the stack as it found it).
    func forEachPair(_ t: Int32, _ body: () throws -> Void) throws {
        let t = absolute(t)
        try reserve(3)
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            do { try body() } catch {
                pop(2)
                throw error
            }
            pop(1)
        }
    }

    // MARK: Pushing (host code only)

    func pushNil() { lua_pushnil(L) }
    func pushBool(_ b: Bool) { lua_pushboolean(L, b ? 1 : 0) }
    func pushNumber(_ d: Double) { lua_pushnumber(L, d) }
    func pushInteger(_ i: Int64) { lua_pushinteger(L, i) }
    func pushString(_ s: String) {
        var s = s
        s.withUTF8 { buf in _ = lua_pushlstring(L, buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buf.count) }
    }
    func pushValue(_ i: Int32) { lua_pushvalue(L, i) }
    func newTable(array: Int = 0, record: Int = 0) { lua_createtable(L, Int32(clamping: array), Int32(clamping: record)) }

    /// Pops a value into `t[key]` (raw).
    func rawSet(_ t: Int32, _ key: String) {
        let t = absolute(t)
        pushString(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    /// Pops a value into `t[i]` (raw).
    func rawSet(_ t: Int32, index i: Int) { lua_rawseti(L, absolute(t), lua_Integer(i)) }

    /// Pushes a tensor userdata. `counted` tensors (made by the tensor
    /// library) count against the tensor budget; a collection runs before
    /// refusing one that does not fit. Other tensors are the host's (inputs,
    /// states): they are lent for the current protected scope only.
    func pushTensor(_ t: Tensor, counted: Bool) throws {
        let bytes = counted ? Int64(t.byteCount) : 0
        if counted { try ensureTensorBudget(bytes) }
        try reserve(4)
        vl_push_tensor(L, Unmanaged.passRetained(TensorBox(t)).toOpaque(), bytes)
        if !counted {
            vl_get_slot(L, LuaSlot.borrowed.rawValue)
            if lua_type(L, -1) != LUA_TTABLE {
                pop()
                newTable()
                pushValue(-1)
                vl_set_slot(L, LuaSlot.borrowed.rawValue)
            }
            pushValue(-2)
            lua_rawseti(L, -2, lua_Integer(lua_rawlen(L, -2) + 1))
            pop()
        }
    }

    /// Throws (and marks the sandbox) when `bytes` more counted tensor bytes
    /// would exceed the budget after a full collection.
    func ensureTensorBudget(_ bytes: Int64) throws {
        let limit = Int64(sandbox.limits.tensorBytes)
        if sandbox.context.pointee.tensor_bytes + bytes <= limit { return }
        vl_collect(L)
        let held = sandbox.context.pointee.tensor_bytes
        if held + bytes <= limit { return }
        sandbox.tensorBudgetRefused = true
        throw LuaBindingError("tensor memory budget exceeded: \(bytes) more bytes would make \(held + bytes), the limit is \(limit) bytes")
    }

    /// Throws when converting `elements` values into Lua tables would exceed
    /// the list limit or the free Lua heap (about 40 bytes per element).
    func ensureListRoom(_ elements: Int) throws {
        let limits = sandbox.limits
        guard elements <= limits.listElements else {
            throw LuaBindingError("\(elements) elements exceed the list limit of \(limits.listElements)")
        }
        let free = limits.heapBytes - sandbox.heapBytes
        guard elements.multipliedReportingOverflow(by: 40).partialValue <= free, elements < Int.max / 40 else {
            throw LuaBindingError("\(elements) elements do not fit in the free Lua heap (\(max(free, 0)) bytes)")
        }
    }
}
