internal import CLuaShim
import VernierTensor

/// The arguments of one host-function call, with checked accessors whose
/// errors say which argument and what was expected. Positions are Lua's
/// (1-based).
struct LuaArguments {
    let stack: LuaStack

    var count: Int32 { stack.top }

    func fail(_ i: Int32, _ expected: String) -> LuaBindingError {
        let got = i > count ? "nothing" : stack.typeName(at: i)
        return LuaBindingError("argument #\(i): expected \(expected), got \(got)")
    }

    func isAbsent(_ i: Int32) -> Bool { i > count || stack.isNoneOrNil(i) }

    func tensor(_ i: Int32) throws -> Tensor {
        guard let t = stack.tensor(at: i) else { throw fail(i, "a tensor") }
        return t
    }

    /// A tensor, or a number turned into a 0-dim operand of `other`'s kind
    /// (PyTorch's weak scalars: `t + 1` keeps an integer tensor integer).
    func operand(_ i: Int32, like other: Tensor) throws -> Tensor {
        if let t = stack.tensor(at: i) { return t }
        if let n = stack.number(at: i) { return other.scalarOperand(n) }
        throw fail(i, "a tensor or a number")
    }

    /// Two operands where either may be a number (metamethods: `2 * t`).
    func operands(_ i: Int32, _ j: Int32) throws -> (Tensor, Tensor) {
        if let a = stack.tensor(at: i) { return (a, try operand(j, like: a)) }
        guard let b = stack.tensor(at: j) else { throw fail(i, "a tensor") }
        return (try operand(i, like: b), b)
    }

    func number(_ i: Int32, _ name: String) throws -> Double {
        guard let n = stack.number(at: i) else { throw fail(i, "a number (\(name))") }
        return n
    }

    func optionalNumber(_ i: Int32, _ name: String) throws -> Double? {
        isAbsent(i) ? nil : try number(i, name)
    }

    func int(_ i: Int32, _ name: String) throws -> Int {
        guard let v = stack.integer(at: i), let n = Int(exactly: v) else { throw fail(i, "an integer (\(name))") }
        return n
    }

    func optionalInt(_ i: Int32, _ name: String) throws -> Int? {
        isAbsent(i) ? nil : try int(i, name)
    }

    func optionalBool(_ i: Int32, _ name: String) throws -> Bool? {
        if isAbsent(i) { return nil }
        guard let b = stack.bool(at: i) else { throw fail(i, "a boolean (\(name))") }
        return b
    }

    func dtype(_ i: Int32) throws -> DType? {
        if isAbsent(i) { return nil }
        guard let s = stack.string(at: i), let d = DType(rawValue: s) else {
            throw fail(i, "a dtype name (" + DType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        return d
    }

    /// A list of integers: a Lua table at `i`, or the integers from `i` to
    /// the last argument (`t:reshape(2, -1)` and `t:reshape({2, -1})`).
    func integers(from i: Int32, _ name: String, allowEmpty: Bool = true) throws -> [Int] {
        if stack.isTable(at: i) {
            let n = stack.rawLength(at: i)
            guard n <= TensorLibrary.maxRank else { throw fail(i, "at most \(TensorLibrary.maxRank) \(name)") }
            var out: [Int] = []
            out.reserveCapacity(n)
            for k in 0..<n {
                stack.rawGet(i, index: k + 1)
                defer { stack.pop() }
                guard let v = stack.integer(at: -1), let d = Int(exactly: v) else {
                    throw LuaBindingError("argument #\(i): \(name)[\(k + 1)] must be an integer")
                }
                out.append(d)
            }
            return out
        }
        var out: [Int] = []
        var k = i
        while k <= count {
            guard let v = stack.integer(at: k), let d = Int(exactly: v) else { throw fail(k, "an integer (\(name))") }
            out.append(d)
            k += 1
        }
        guard allowEmpty || !out.isEmpty else { throw fail(i, "\(name) (a table or integers)") }
        guard out.count <= TensorLibrary.maxRank else { throw fail(i, "at most \(TensorLibrary.maxRank) \(name)") }
        return out
    }

    /// A shape: a table of sizes >= 0, or one integer (`tensor.zeros(5)`).
    func shape(_ i: Int32) throws -> [Int] {
        let dims: [Int]
        if let n = stack.integer(at: i), let d = Int(exactly: n) { dims = [d] } else {
            guard stack.isTable(at: i) else { throw fail(i, "a shape (a table of sizes)") }
            dims = try integers(from: i, "sizes")
        }
        _ = try TensorLibrary.elementCount(dims)
        return dims
    }

    /// A list of tensors (a Lua table).
    func tensorList(_ i: Int32) throws -> [Tensor] {
        guard stack.isTable(at: i) else { throw fail(i, "a list of tensors") }
        let n = stack.rawLength(at: i)
        var out: [Tensor] = []
        out.reserveCapacity(n)
        for k in 0..<n {
            stack.rawGet(i, index: k + 1)
            defer { stack.pop() }
            guard let t = stack.tensor(at: -1) else {
                throw LuaBindingError("argument #\(i): item \(k + 1) is a \(stack.typeName(at: -1)), expected a tensor")
            }
            out.append(t)
        }
        return out
    }

    /// Indices: an integer tensor or a Lua list of integers (0-based values).
    func indices(_ i: Int32) throws -> [Int] {
        if let t = stack.tensor(at: i) {
            guard !t.dtype.isFloatingPoint, t.dtype != .bool, t.rank <= 1 else { throw fail(i, "a 1-D integer tensor of indices") }
            return t.toInt64s().map { Int(truncatingIfNeeded: $0) }
        }
        guard stack.isTable(at: i) else { throw fail(i, "indices (an integer tensor or a list)") }
        let n = stack.rawLength(at: i)
        try stack.ensureListRoom(n)
        var out: [Int] = []
        out.reserveCapacity(n)
        for k in 0..<n {
            stack.rawGet(i, index: k + 1)
            defer { stack.pop() }
            guard let v = stack.integer(at: -1), let d = Int(exactly: v) else {
                throw LuaBindingError("argument #\(i): index \(k + 1) must be an integer")
            }
            out.append(d)
        }
        return out
    }
}
