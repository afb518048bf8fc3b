internal import CLuaShim
import VernierTensor

/// What a tensor binding returns to Lua.
enum LuaReturn {
    case nothing
    case tensor(Tensor)
    case number(Double)
    case integer(Int64)
    case boolean(Bool)
    case string(String)
    case integers([Int])
    /// Several values (PyTorch's tuples: `values, indices = t:sort()`).
    case tuple([LuaReturn])
    /// The binding pushed this many values itself.
    case pushed(Int32)
}

/// The `tensor` library: one Lua call is one kernel call on the Swift
/// `Tensor` API. Bindings are data: adding a kernel is one line in
/// ``methods`` (also reachable as `tensor.name(t, ...)`) or ``functions``.
///
/// Conventions (see Docs/Lua-API.md): axes and indices are 0-based and may
/// be negative (PyTorch's convention, so TorchMetrics code translates
/// directly); Lua lists stay 1-based. Tensors are immutable from Lua: every
/// operation returns a new tensor.
enum TensorLibrary {
    typealias Binding = @Sendable (LuaArguments) throws -> LuaReturn

    /// The most dimensions a shape argument or a nested table may have.
    static let maxRank = 32

    /// `tensor.name(...)` only: constructors and functions of several tensors.
    static let functions: [(String, Binding)] = [
        ("new", { a in .tensor(try fromLua(a, 1, dtype: try a.dtype(2))) }),
        ("scalar", { a in
            let d = try a.dtype(2)
            if let i = a.stack.isInteger(at: 1) ? a.stack.integer(at: 1) : nil { return .tensor(Tensor.scalar(i).cast(d ?? .int64)) }
            if let b = a.stack.bool(at: 1) { return .tensor(Tensor([b], shape: []).cast(d ?? .bool)) }
            return .tensor(Tensor.scalar(try a.number(1, "value"), dtype: d ?? .float32))
        }),
        ("zeros", { a in try filled(a, shape: a.shape(1), value: 0, dtype: a.dtype(2) ?? .float32) }),
        ("ones", { a in try filled(a, shape: a.shape(1), value: 1, dtype: a.dtype(2) ?? .float32) }),
        ("full", { a in try filled(a, shape: a.shape(1), value: a.number(2, "value"), dtype: a.dtype(3) ?? inferredDType(a, 2)) }),
        ("zeros_like", { a in let t = try a.tensor(1); return try filled(a, shape: t.shape, value: 0, dtype: a.dtype(2) ?? t.dtype) }),
        ("ones_like", { a in let t = try a.tensor(1); return try filled(a, shape: t.shape, value: 1, dtype: a.dtype(2) ?? t.dtype) }),
        ("full_like", { a in
            let t = try a.tensor(1)
            return try filled(a, shape: t.shape, value: a.number(2, "value"), dtype: a.dtype(3) ?? t.dtype)
        }),
        ("arange", arange),
        ("linspace", { a in
            let start = try a.number(1, "start"), end = try a.number(2, "end"), steps = try a.int(3, "steps")
            guard steps >= 0 else { throw a.fail(3, "steps >= 0") }
            let d = try a.dtype(4) ?? .float32
            try reserve(a, elements: steps, dtype: d)
            return .tensor(Tensor.linspace(start, end, count: steps, dtype: d))
        }),
        ("cat", { a in
            let items = try a.tensorList(1)
            try reserve(a, elements: items.reduce(0) { $0.addingReportingOverflow($1.count).partialValue }, dtype: .float64)
            return .tensor(try Tensor.concatenate(items, axis: a.optionalInt(2, "axis") ?? 0))
        }),
        ("stack", { a in
            let items = try a.tensorList(1)
            try reserve(a, elements: items.reduce(0) { $0.addingReportingOverflow($1.count).partialValue }, dtype: .float64)
            return .tensor(try Tensor.stack(items, axis: a.optionalInt(2, "axis") ?? 0))
        }),
        ("where", { a in
            let c = try a.tensor(1)
            let (x, y) = try a.operands(2, 3)
            let shape = try Tensor.broadcastShape(try Tensor.broadcastShape(c.shape, x.shape), y.shape)
            try reserve(a, elements: elementCount(shape), dtype: .float64)
            return .tensor(try Tensor.where(c, x, y))
        }),
        ("is_tensor", { a in .boolean(a.stack.tensor(at: 1) != nil) }),
    ]

    /// `t:name(...)` and `tensor.name(t, ...)`.
    static let methods: [(String, Binding)] = [
        ("dtype", { a in .string(try a.tensor(1).dtype.rawValue) }),
        ("shape", { a in .integers(try a.tensor(1).shape) }),
        ("numel", { a in .integer(Int64(try a.tensor(1).count)) }),
        ("dim", { a in .integer(Int64(try a.tensor(1).rank)) }),
        ("size", { a in
            let t = try a.tensor(1)
            guard let axis = try a.optionalInt(2, "axis") else { return .integers(t.shape) }
            guard t.rank > 0 else { throw LuaBindingError("a 0-dim tensor has no axis \(axis)") }
            return .integer(Int64(t.shape[try t.normalizedAxis(axis)]))
        }),
        ("to", { a in
            guard let d = try a.dtype(2) else { throw a.fail(2, "a dtype name") }
            return .tensor(try a.tensor(1).cast(d))
        }),
        ("float", cast(.float32)), ("double", cast(.float64)), ("long", cast(.int64)),
        ("int", cast(.int32)), ("byte", cast(.uint8)), ("bool", cast(.bool)),
        ("add", binary(.add)), ("sub", binary(.sub)), ("mul", binary(.mul)), ("div", binary(.div)),
        ("pow", binary(.pow)), ("maximum", binary(.maximum)), ("minimum", binary(.minimum)),
        ("remainder", binary(.remainder)), ("floor_divide", binary(.floorDivide)),
        ("eq", compare(.eq)), ("ne", compare(.ne)), ("lt", compare(.lt)),
        ("le", compare(.le)), ("gt", compare(.gt)), ("ge", compare(.ge)),
        ("logical_and", logical(.and)), ("logical_or", logical(.or)), ("logical_xor", logical(.xor)),
        ("logical_not", { a in .tensor(try a.tensor(1).logicalNot()) }),
        ("isnan", { a in .tensor(try a.tensor(1).isnan()) }),
        ("isinf", { a in .tensor(try a.tensor(1).isinf()) }),
        ("isfinite", { a in .tensor(try a.tensor(1).isfinite()) }),
        ("nan_to_num", { a in
            .tensor(try a.tensor(1).nanToNum(
                nan: a.optionalNumber(2, "nan") ?? 0, posinf: a.optionalNumber(3, "posinf"), neginf: a.optionalNumber(4, "neginf")))
        }),
        ("clamp", { a in .tensor(try a.tensor(1).clamp(min: a.optionalNumber(2, "min"), max: a.optionalNumber(3, "max"))) }),
        ("sum", reduce(.sum)), ("mean", reduce(.mean)), ("prod", reduce(.prod)),
        ("min", reduce(.min)), ("max", reduce(.max)),
        ("argmax", { a in .tensor(try a.tensor(1).argmax(axis: a.optionalInt(2, "axis"), keepDim: a.optionalBool(3, "keepdim") ?? false)) }),
        ("argmin", { a in .tensor(try a.tensor(1).argmin(axis: a.optionalInt(2, "axis"), keepDim: a.optionalBool(3, "keepdim") ?? false)) }),
        ("slice", { a in
            .tensor(try a.tensor(1).slice(
                axis: a.int(2, "axis"), start: a.optionalInt(3, "start") ?? 0, end: a.optionalInt(4, "stop"), step: a.optionalInt(5, "step") ?? 1))
        }),
        ("index_select", { a in
            let t = try a.tensor(1), axis = try a.int(2, "axis"), idx = try a.indices(3)
            let ax = try t.normalizedAxis(axis)
            let inner = t.rank == 0 || t.shape[ax] == 0 ? 1 : t.count / t.shape[ax]
            try reserve(a, elements: idx.count.multipliedReportingOverflow(by: inner).overflow ? Int.max : idx.count * inner, dtype: t.dtype)
            return .tensor(try t.indexSelect(axis: axis, indices: idx))
        }),
        ("reshape", reshape), ("view", reshape),
        ("flatten", { a in .tensor(try a.tensor(1).flattened()) }),
        ("permute", { a in .tensor(try a.tensor(1).permuted(a.integers(from: 2, "dims", allowEmpty: false))) }),
        ("transpose", { a in .tensor(try a.tensor(1).transposed(a.optionalInt(2, "dim0") ?? 0, a.optionalInt(3, "dim1") ?? 1)) }),
        ("item", { a in
            let t = try a.tensor(1)
            guard t.count == 1 else { throw LuaBindingError("the tensor has \(t.count) elements, expected 1") }
            return try element(t, 0, a.stack)
        }),
        ("tolist", { a in
            let t = try a.tensor(1)
            try a.stack.ensureListRoom(t.count)
            try pushList(t, a.stack)
            return .pushed(1)
        }),
        ("sort", { a in
            let (v, i) = try a.tensor(1).sort(axis: a.optionalInt(2, "axis") ?? -1, descending: a.optionalBool(3, "descending") ?? false)
            return .tuple([.tensor(v), .tensor(i)])
        }),
        ("argsort", { a in
            .tensor(try a.tensor(1).argsort(
                axis: a.optionalInt(2, "axis") ?? -1, descending: a.optionalBool(3, "descending") ?? false, stable: a.optionalBool(4, "stable") ?? true))
        }),
        ("topk", { a in
            let (v, i) = try a.tensor(1).topk(
                a.int(2, "k"), axis: a.optionalInt(3, "axis") ?? -1, largest: a.optionalBool(4, "largest") ?? true, sorted: a.optionalBool(5, "sorted") ?? true)
            return .tuple([.tensor(v), .tensor(i)])
        }),
        ("unique", { a in
            let inverse = try a.optionalBool(2, "return_inverse") ?? false, counts = try a.optionalBool(3, "return_counts") ?? false
            let r = try a.tensor(1).unique(sorted: true, returnInverse: inverse, returnCounts: counts)
            return .tuple([.tensor(r.values)] + [r.inverse, r.counts].compactMap { $0.map { .tensor($0) } })
        }),
        ("searchsorted", { a in .tensor(try a.tensor(1).searchsorted(a.operand(2, like: a.tensor(1)), right: a.optionalBool(3, "right") ?? false)) }),
        ("cumsum", { a in .tensor(try a.tensor(1).cumsum(axis: a.int(2, "axis"))) }),
        ("cumprod", { a in .tensor(try a.tensor(1).cumprod(axis: a.int(2, "axis"))) }),
        ("diff", { a in .tensor(try a.tensor(1).diff(axis: a.optionalInt(2, "axis") ?? -1)) }),
        ("gather", { a in .tensor(try a.tensor(1).gather(axis: a.int(2, "axis"), index: a.tensor(3))) }),
        ("scatter_add", { a in .tensor(try a.tensor(1).scatterAdd(axis: a.int(2, "axis"), index: a.tensor(3), source: a.tensor(4))) }),
        ("masked_select", { a in
            let t = try a.tensor(1), mask = try a.tensor(2)
            try reserve(a, elements: elementCount(Tensor.broadcastShape(t.shape, mask.shape)), dtype: t.dtype)
            return .tensor(try t.maskedSelect(mask))
        }),
        ("nonzero", { a in .tensor(try a.tensor(1).nonzero()) }),
        ("one_hot", { a in
            let t = try a.tensor(1), classes = try a.optionalInt(2, "num_classes") ?? -1
            try reserve(a, elements: t.count.multipliedReportingOverflow(by: max(classes, valueBound(t))).overflow ? Int.max : t.count * max(classes, valueBound(t)), dtype: .int64)
            return .tensor(try t.oneHot(numClasses: classes))
        }),
        ("bincount", { a in
            let t = try a.tensor(1), weights = a.isAbsent(2) ? nil : try a.tensor(2), minlength = try a.optionalInt(3, "minlength") ?? 0
            try reserve(a, elements: max(minlength, valueBound(t)), dtype: .float64)
            return .tensor(try t.bincount(weights: weights, minlength: minlength))
        }),
        ("softmax", { a in .tensor(try a.tensor(1).softmax(axis: a.int(2, "axis"))) }),
        ("log_softmax", { a in .tensor(try a.tensor(1).logSoftmax(axis: a.int(2, "axis"))) }),
        ("logsumexp", { a in .tensor(try a.tensor(1).logsumexp(axis: a.int(2, "axis"), keepDim: a.optionalBool(3, "keepdim") ?? false)) }),
        ("squeeze", { a in .tensor(try a.tensor(1).squeezed(axis: a.optionalInt(2, "axis"))) }),
        ("unsqueeze", { a in .tensor(try a.tensor(1).unsqueezed(axis: a.int(2, "axis"))) }),
        ("flip", { a in .tensor(try a.tensor(1).flipped(axis: a.int(2, "axis"))) }),
        ("tile", { a in
            let t = try a.tensor(1), copies = try a.int(2, "count")
            try reserve(a, elements: t.count.multipliedReportingOverflow(by: max(copies, 0)).overflow ? Int.max : t.count * max(copies, 0), dtype: t.dtype)
            return .tensor(try t.repeated(count: copies, axis: a.optionalInt(3, "axis") ?? 0))
        }),
        ("any", { a in
            let t = try a.tensor(1)
            guard let axis = try a.optionalInt(2, "axis") else { return .boolean(t.any()) }
            return .tensor(try t.any(axis: axis, keepDim: a.optionalBool(3, "keepdim") ?? false))
        }),
        ("all", { a in
            let t = try a.tensor(1)
            guard let axis = try a.optionalInt(2, "axis") else { return .boolean(t.all()) }
            return .tensor(try t.all(axis: axis, keepDim: a.optionalBool(3, "keepdim") ?? false))
        }),
        ("count_nonzero", { a in
            let t = try a.tensor(1)
            guard let axis = try a.optionalInt(2, "axis") else { return .integer(Int64(t.countNonzero())) }
            return .tensor(try t.countNonzero(axis: axis, keepDim: a.optionalBool(3, "keepdim") ?? false))
        }),
        ("var", { a in
            .tensor(try a.tensor(1).variance(axis: a.optionalInt(2, "axis"), correction: a.optionalInt(3, "correction") ?? 1, keepDim: a.optionalBool(4, "keepdim") ?? false))
        }),
        ("std", { a in
            .tensor(try a.tensor(1).std(axis: a.optionalInt(2, "axis"), correction: a.optionalInt(3, "correction") ?? 1, keepDim: a.optionalBool(4, "keepdim") ?? false))
        }),
        ("dot", { a in
            let x = try a.tensor(1), y = try a.tensor(2)
            guard x.rank == 1 else { throw a.fail(1, "a 1-D tensor") }
            guard y.rank == 1 else { throw a.fail(2, "a 1-D tensor") }
            return .tensor(try x.matmul(y))
        }),
        ("aminmax", { a in
            let (lo, hi) = try a.tensor(1).aminmax()
            return .tuple([.tensor(lo), .tensor(hi)])
        }),
        ("matmul", { a in
            let x = try a.tensor(1), y = try a.tensor(2)
            let rows = x.rank == 2 ? x.shape[0] : 1, cols = y.rank == 2 ? y.shape[1] : 1
            try reserve(a, elements: rows.multipliedReportingOverflow(by: cols).overflow ? Int.max : rows * cols, dtype: .float64)
            return .tensor(try x.matmul(y))
        }),
    ] + UnaryOp.allCases.map { op in (op.rawValue, { a in .tensor(try a.tensor(1).unary(op)) }) }

    /// Metamethods of tensor userdata (`__name` in messages: "tensor").
    static let metamethods: [(String, String, Binding)] = [
        ("__add", "tensor '+'", binary(.add)), ("__sub", "tensor '-'", binary(.sub)),
        ("__mul", "tensor '*'", binary(.mul)), ("__div", "tensor '/'", binary(.div)),
        ("__pow", "tensor '^'", binary(.pow)), ("__mod", "tensor '%'", binary(.remainder)),
        ("__idiv", "tensor '//'", binary(.floorDivide)),
        ("__unm", "tensor unary '-'", { a in .tensor(try a.tensor(1).unary(.neg)) }),
        ("__tostring", "tostring(tensor)", { a in .string(try a.tensor(1).description) }),
    ]

    // MARK: Installation

    /// Creates the library table, the tensor metatable, and adds `tensor` to
    /// the base environment. Runs in a protected scope.
    static func install(in stack: LuaStack) throws {
        try stack.reserve(8)
        stack.newTable(record: functions.count + methods.count)
        let lib = stack.top
        for (name, body) in functions {
            push(name: "tensor.\(name)", body, stack)
            stack.rawSet(lib, name)
        }
        stack.newTable(record: metamethods.count)
        let meta = stack.top
        for (name, display, body) in metamethods {
            push(name: display, body, stack)
            stack.rawSet(meta, name)
        }
        stack.newTable(record: methods.count)
        let methodTable = stack.top
        for (name, body) in methods {
            push(name: "tensor.\(name)", body, stack)
            stack.pushValue(-1)
            stack.rawSet(methodTable, name)
            stack.rawSet(lib, name)
        }
        vl_set_tensor_metatable(stack.L)
        vl_freeze(stack.L, "tensor")
        vl_push_base_table(stack.L)
        stack.pushValue(lib)
        stack.rawSet(-2, "tensor")
        stack.pop(2)
    }

    private static func push(name: String, _ body: @escaping Binding, _ stack: LuaStack) {
        stack.sandbox.pushHostFunction(name) { s in
            try push(try body(LuaArguments(stack: s)), s)
        }
    }

    static func push(_ r: LuaReturn, _ s: LuaStack) throws -> Int32 {
        try s.reserve(2)
        switch r {
        case .nothing: return 0
        case .tensor(let t): try s.pushTensor(t, counted: true)
        case .number(let d): s.pushNumber(d)
        case .integer(let i): s.pushInteger(i)
        case .boolean(let b): s.pushBool(b)
        case .string(let str): s.pushString(str)
        case .integers(let xs):
            s.newTable(array: xs.count)
            for (k, x) in xs.enumerated() {
                s.pushInteger(Int64(x))
                s.rawSet(-2, index: k + 1)
            }
        case .tuple(let items):
            var n: Int32 = 0
            for item in items { n += try push(item, s) }
            return n
        case .pushed(let n): return n
        }
        return 1
    }

    // MARK: Binding builders

    static func cast(_ d: DType) -> Binding { { a in .tensor(try a.tensor(1).cast(d)) } }

    static func binary(_ op: BinaryOp) -> Binding {
        { a in
            let (x, y) = try a.operands(1, 2)
            try reserve(a, elements: elementCount(Tensor.broadcastShape(x.shape, y.shape)), dtype: .float64)
            return .tensor(try Tensor.binary(op, x, y))
        }
    }

    static func compare(_ op: CompareOp) -> Binding {
        { a in
            let (x, y) = try a.operands(1, 2)
            try reserve(a, elements: elementCount(Tensor.broadcastShape(x.shape, y.shape)), dtype: .bool)
            return .tensor(try Tensor.compare(op, x, y))
        }
    }

    static func logical(_ op: LogicalOp) -> Binding {
        { a in
            let (x, y) = try a.operands(1, 2)
            try reserve(a, elements: elementCount(Tensor.broadcastShape(x.shape, y.shape)), dtype: .bool)
            return .tensor(try Tensor.logical(op, x, y))
        }
    }

    static func reduce(_ op: ReduceOp) -> Binding {
        { a in .tensor(try a.tensor(1).reduce(op, axis: a.optionalInt(2, "axis"), keepDim: a.optionalBool(3, "keepdim") ?? false)) }
    }

    static let reshape: Binding = { a in
        let t = try a.tensor(1)
        let dims = try a.integers(from: 2, "sizes", allowEmpty: true)
        guard dims.allSatisfy({ $0 >= -1 }), dims.filter({ $0 == -1 }).count <= 1 else {
            throw LuaBindingError("reshape: invalid shape \(dims) (sizes >= 0, at most one -1)")
        }
        _ = try elementCount(dims.filter { $0 != -1 })
        return .tensor(try t.reshaped(dims))
    }

    static let arange: Binding = { a in
        var numbers: [Double] = []
        var allInteger = true
        var k: Int32 = 1
        while k <= min(a.count, 3), let n = a.stack.number(at: k) {
            numbers.append(n)
            allInteger = allInteger && a.stack.isInteger(at: k)
            k += 1
        }
        guard !numbers.isEmpty else { throw a.fail(1, "a number (end)") }
        let d = try a.dtype(k) ?? (allInteger ? .int64 : .float32)
        let (start, end) = numbers.count == 1 ? (0, numbers[0]) : (numbers[0], numbers[1])
        let step = numbers.count == 3 ? numbers[2] : 1
        guard step != 0, start.isFinite, end.isFinite, step.isFinite else {
            throw LuaBindingError("start, end and step must be finite and step non-zero")
        }
        let n = ((end - start) / step).rounded(.up)
        if !(n > 0) { return .tensor(Tensor.zeros([0], dtype: d)) }
        guard n < Double(Int.max / 8) else { throw LuaBindingError("\(n) elements are too many") }
        try reserve(a, elements: Int(n), dtype: d)
        return .tensor(try Tensor.arange(start, end, step: step, dtype: d))
    }

    // MARK: Helpers

    /// The product of `shape`, refusing negative sizes and overflow.
    static func elementCount(_ shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw LuaBindingError("invalid size \(d) in shape \(shape)") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { throw LuaBindingError("shape \(shape) has too many elements") }
            n = p
        }
        return n
    }

    /// Refuses, before allocating, a result of `elements` that could not fit
    /// in the tensor budget.
    static func reserve(_ a: LuaArguments, elements: Int, dtype: DType) throws {
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteWidth)
        try a.stack.ensureTensorBudget(overflow ? Int64.max / 2 : Int64(bytes))
    }

    static func filled(_ a: LuaArguments, shape: [Int], value: Double, dtype: DType) throws -> LuaReturn {
        try reserve(a, elements: elementCount(shape), dtype: dtype)
        return .tensor(Tensor.full(shape, value, dtype: dtype))
    }

    /// `max + 1` of an integer tensor (the length `bincount` and `one_hot`
    /// allocate), 0 when empty or not an integer tensor (the kernel rejects those).
    static func valueBound(_ t: Tensor) -> Int {
        guard t.count > 0, t.dtype.isInteger else { return 0 }
        let hi = t.valueRange().max
        return hi < 0 ? 0 : (hi >= Double(Int.max / 16) ? Int.max / 16 : Int(hi) + 1)
    }

    static func inferredDType(_ a: LuaArguments, _ i: Int32) -> DType {
        a.stack.isInteger(at: i) ? .int64 : .float32
    }

    static func element(_ t: Tensor, _ i: Int, _ s: LuaStack) throws -> LuaReturn {
        switch t.dtype {
        case .float32, .float64: return .number(t.element(at: i))
        case .bool: return .boolean(t.int64Element(at: i) != 0)
        default: return .integer(t.int64Element(at: i))
        }
    }

    /// Pushes `t` as nested Lua lists (a scalar as a plain value).
    static func pushList(_ t: Tensor, _ s: LuaStack) throws {
        func pushElement(_ i: Int) throws { _ = try push(element(t, i, s), s) }
        if t.rank == 0 { return try pushElement(0) }
        func build(_ dim: Int, _ offset: Int) throws {
            try s.reserve(3)
            let n = t.shape[dim]
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            s.newTable(array: n)
            for j in 0..<n {
                if dim == t.rank - 1 { try pushElement(offset + j) } else { try build(dim + 1, offset + j * stride) }
                s.rawSet(-2, index: j + 1)
            }
        }
        try build(0, 0)
    }

    /// A tensor from a number, a boolean, a tensor or nested Lua lists
    /// (PyTorch's `torch.tensor`): all booleans give bool, all integers
    /// int64, otherwise float32, unless `dtype` is given.
    static func fromLua(_ a: LuaArguments, _ i: Int32, dtype: DType?) throws -> Tensor {
        let s = a.stack
        if let t = s.tensor(at: i) { return t.cast(dtype ?? t.dtype) }
        if let b = s.bool(at: i) { return Tensor([b], shape: []).cast(dtype ?? .bool) }
        if s.type(at: i) == LUA_TNUMBER {
            if s.isInteger(at: i), let v = s.integer(at: i) { return Tensor.scalar(v).cast(dtype ?? .int64) }
            return Tensor.scalar(s.number(at: i)!, dtype: dtype ?? .float32)
        }
        guard s.isTable(at: i) else { throw a.fail(i, "a number, a boolean, a tensor or a (nested) list") }
        // The shape follows the first elements down; every list is then checked against it.
        var shape: [Int] = []
        try s.reserve(Int32(maxRank) + 4)
        s.pushValue(i)
        while s.isTable(at: -1) {
            guard shape.count < maxRank else { throw LuaBindingError("more than \(maxRank) nested levels") }
            shape.append(s.rawLength(at: -1))
            if shape.last == 0 { break }
            s.rawGet(-1, index: 1)
        }
        s.setTop(a.count)
        let n = try elementCount(shape)
        guard n <= s.sandbox.limits.listElements else {
            throw LuaBindingError("\(n) elements exceed the list limit of \(s.sandbox.limits.listElements)")
        }
        var doubles: [Double] = []
        var ints: [Int64] = []
        doubles.reserveCapacity(n)
        ints.reserveCapacity(n)
        var allInteger = true, allBool = true, anyBool = false
        func walk(_ idx: Int32, _ depth: Int) throws {
            let len = s.rawLength(at: idx)
            guard len == shape[depth] else {
                throw LuaBindingError("ragged nested lists (a list of \(len) where \(shape[depth]) was expected at depth \(depth + 1))")
            }
            for k in 0..<len {
                s.rawGet(idx, index: k + 1)
                defer { s.pop() }
                if depth + 1 < shape.count {
                    guard s.isTable(at: -1) else { throw LuaBindingError("expected a list at depth \(depth + 2)") }
                    try walk(s.top, depth + 1)
                } else if let b = s.bool(at: -1) {
                    anyBool = true
                    doubles.append(b ? 1 : 0)
                    ints.append(b ? 1 : 0)
                } else if let v = s.number(at: -1) {
                    allBool = false
                    let iv = s.isInteger(at: -1) ? s.integer(at: -1) : nil
                    allInteger = allInteger && iv != nil
                    doubles.append(v)
                    ints.append(iv ?? 0)
                } else {
                    throw LuaBindingError("elements must be numbers or booleans, got \(s.typeName(at: -1))")
                }
            }
        }
        try walk(s.absolute(i), 0)
        if n == 0 { return Tensor.zeros(shape, dtype: dtype ?? .float32) }
        if anyBool && !allBool { throw LuaBindingError("mixes booleans and numbers") }
        let natural: Tensor
        if allBool { natural = Tensor(doubles.map { $0 != 0 }, shape: shape) }
        else if allInteger { natural = Tensor(ints, shape: shape) }
        else if dtype == .float64 { natural = Tensor(doubles, shape: shape) }
        else { natural = Tensor(doubles.map { Float($0) }, shape: shape) }
        return natural.cast(dtype ?? natural.dtype)
    }
}
