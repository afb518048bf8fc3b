/// The resources one Lua metric may use, per Lua state and per call.
///
/// Every entry point into a script (loading it, `states`, `update`,
/// `compute`, a custom reducer) is one call: the instruction and time budgets
/// restart at each call, the heap and tensor budgets hold for the state's
/// lifetime. Exceeding one is a ``LuaError/limitExceeded(file:call:limit:detail:)``
/// naming the file, the call and the limit; the state stays usable (an
/// `update` that fails leaves the metric unchanged).
///
/// A plugin may ask for other values in a `limits = {...}` field of
/// `metric.define`; the host grants at most its ``LuaLimits`` maximum (see
/// ``capped(by:)``).
public struct LuaLimits: Sendable, Equatable {
    /// Bytes the Lua allocator may hold for the state (strings, tables,
    /// closures). Default 64 MiB. Host code (the tensor library) may exceed
    /// it briefly; the next Lua allocation then fails.
    public var heapBytes: Int
    /// Bytes of tensors created by the tensor library and still referenced
    /// from Lua. Default 1 GiB. Inputs and state tensors handed in by the
    /// host do not count. A garbage collection runs before a refusal.
    public var tensorBytes: Int
    /// Lua VM instructions per call, counted in steps of 1000. Default 1e9;
    /// 0 or less: no instruction limit.
    public var instructionsPerCall: Int
    /// Wall-clock seconds per call (monotonic clock). Default 10; 0 or less: no deadline.
    public var secondsPerCall: Double
    /// Elements that `t:tolist()` and `tensor.new` may convert between Lua
    /// tables and tensors in one call. Default 2^22.
    public var listElements: Int

    /// A set of limits; omitted values take the defaults.
    public init(
        heapBytes: Int = 64 << 20, tensorBytes: Int = 1 << 30, instructionsPerCall: Int = 1_000_000_000,
        secondsPerCall: Double = 10, listElements: Int = 1 << 22
    ) {
        self.heapBytes = heapBytes
        self.tensorBytes = tensorBytes
        self.instructionsPerCall = instructionsPerCall
        self.secondsPerCall = secondsPerCall
        self.listElements = listElements
    }

    /// 64 MiB heap, 1 GiB tensors, 1e9 instructions and 10 s per call, 2^22 list elements.
    public static let `default` = LuaLimits()

    /// Each limit no larger than `maximum`'s.
    public func capped(by maximum: LuaLimits) -> LuaLimits {
        LuaLimits(
            heapBytes: min(heapBytes, maximum.heapBytes), tensorBytes: min(tensorBytes, maximum.tensorBytes),
            instructionsPerCall: min(instructionsPerCall, maximum.instructionsPerCall),
            secondsPerCall: min(secondsPerCall, maximum.secondsPerCall), listElements: min(listElements, maximum.listElements)
        )
    }
}

/// One of the limits in ``LuaLimits``.
public enum LuaLimit: String, Sendable, CaseIterable {
    /// ``LuaLimits/heapBytes``
    case heap
    /// ``LuaLimits/tensorBytes``
    case tensorBytes = "tensor bytes"
    /// ``LuaLimits/instructionsPerCall``
    case instructions
    /// ``LuaLimits/secondsPerCall``
    case time
}
