import Foundation

/// A binary arithmetic operation, applied elementwise with broadcasting.
///
/// Bool operands are computed as int64 (`true + true == 2`), where PyTorch
/// would add bools as logical or and reject bool subtraction.
public enum BinaryOp: String, Sendable, CaseIterable {
    /// `a + b`
    case add
    /// `a - b`
    case sub
    /// `a * b`
    case mul
    /// True division `a / b`; integer operands give float32 (PyTorch's `torch.div`).
    /// Float division by zero gives ±inf or NaN (IEEE).
    case div
    /// `a ** b`; integer operands stay integer (negative exponents raise).
    case pow
    /// Elementwise maximum; NaN propagates.
    case maximum
    /// Elementwise minimum; NaN propagates.
    case minimum
    /// Python-style modulo: the result has the sign of `b`.
    case remainder
    /// `floor(a / b)`.
    case floorDivide = "floor_divide"
}

/// An elementwise comparison; the result is a bool tensor.
public enum CompareOp: String, Sendable, CaseIterable {
    /// `a == b` (false when either is NaN).
    case eq
    /// `a != b` (true when either is NaN).
    case ne
    /// `a < b`
    case lt
    /// `a <= b`
    case le
    /// `a > b`
    case gt
    /// `a >= b`
    case ge
}

/// An elementwise logical operation on truth values (`x != 0`).
public enum LogicalOp: String, Sendable, CaseIterable {
    /// Both true.
    case and
    /// Either true.
    case or
    /// Exactly one true.
    case xor
}

extension Tensor {
    /// The dtype of a binary operation, with PyTorch's rule that a 0-dim
    /// operand does not raise the dtype of a dimensioned operand of the same
    /// or a higher category.
    public static func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        if a.isScalar != b.isScalar {
            let (dim, zero) = a.isScalar ? (b, a) : (a, b)
            if dim.dtype.category >= zero.dtype.category { return dim.dtype }
            return zero.dtype
        }
        return DType.promoted(a.dtype, b.dtype)
    }

    /// Applies `op` elementwise with broadcasting.
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)`` when the shapes do not broadcast,
    ///   ``TensorError/invalidArgument(_:)`` for an integer power with a negative exponent
    ///   or integer division (floor_divide, remainder) by zero.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        _ = try broadcastShape(a.shape, b.shape)
        var dt = resultType(a, b)
        if dt == .bool { dt = .int64 }
        if op == .div && !dt.isFloatingPoint { dt = .float32 }
        let x = a.cast(dt), y = b.cast(dt)
        switch dt {
        case .float32: return floatBinary(op, x, y, Float.self)
        case .float64: return floatBinary(op, x, y, Double.self)
        case .int64: return try intBinary(op, x, y, Int64.self)
        case .int32: return try intBinary(op, x, y, Int32.self)
        case .uint8: return try intBinary(op, x, y, UInt8.self)
        case .bool: fatalError("unreachable: bool promoted to int64")
        }
    }

    private static func floatBinary<T: FloatElement>(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _: T.Type) -> Tensor {
        switch op {
        case .add: return zipBroadcast(a, b, Elementwise.Add<T>())
        case .sub: return zipBroadcast(a, b, Elementwise.Sub<T>())
        case .mul: return zipBroadcast(a, b, Elementwise.Mul<T>())
        case .div: return zipBroadcast(a, b, Elementwise.Div<T>())
        case .pow: return zipBroadcast(a, b, Elementwise.Pow<T>())
        case .maximum: return zipBroadcast(a, b, Elementwise.Maximum<T>())
        case .minimum: return zipBroadcast(a, b, Elementwise.Minimum<T>())
        case .remainder: return zipBroadcast(a, b, Elementwise.Remainder<T>())
        case .floorDivide: return zipBroadcast(a, b, Elementwise.FloorDivide<T>())
        }
    }

    private static func intBinary<T: IntegerElement>(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        switch op {
        case .add: return zipBroadcast(a, b, Elementwise.IntAdd<T>())
        case .sub: return zipBroadcast(a, b, Elementwise.IntSub<T>())
        case .mul: return zipBroadcast(a, b, Elementwise.IntMul<T>())
        case .div: fatalError("unreachable: integer division promotes to float32")
        case .pow:
            if b.toInt64s().contains(where: { $0 < 0 }) {
                throw TensorError.invalidArgument("pow: integers to negative integer powers are not allowed")
            }
            return zipBroadcast(a, b, Elementwise.IntPow<T>())
        case .maximum: return zipBroadcast(a, b, Elementwise.IntMaximum<T>())
        case .minimum: return zipBroadcast(a, b, Elementwise.IntMinimum<T>())
        case .remainder, .floorDivide:
            if b.toInt64s().contains(0) {
                throw TensorError.invalidArgument("\(op.rawValue): integer division by zero")
            }
            if op == .remainder { return zipBroadcast(a, b, Elementwise.IntRemainder<T>()) }
            return zipBroadcast(a, b, Elementwise.IntFloorDivide<T>())
        }
    }

    /// Compares elementwise with broadcasting, in the promoted dtype; the result is bool.
    /// Any comparison with NaN is false except `ne`.
    public static func compare(_ op: CompareOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        _ = try broadcastShape(a.shape, b.shape)
        let dt = resultType(a, b)
        let x = a.cast(dt), y = b.cast(dt)
        switch dt {
        case .float32: return compareTyped(op, x, y, Float.self)
        case .float64: return compareTyped(op, x, y, Double.self)
        case .int64: return compareTyped(op, x, y, Int64.self)
        case .int32: return compareTyped(op, x, y, Int32.self)
        case .uint8: return compareTyped(op, x, y, UInt8.self)
        case .bool: return compareTyped(op, x.cast(.uint8), y.cast(.uint8), UInt8.self)
        }
    }

    private static func compareTyped<T: NumericElement>(_ op: CompareOp, _ a: Tensor, _ b: Tensor, _: T.Type) -> Tensor {
        switch op {
        case .eq: return zipBroadcast(a, b, Elementwise.Equal<T>())
        case .ne: return zipBroadcast(a, b, Elementwise.NotEqual<T>())
        case .lt: return zipBroadcast(a, b, Elementwise.Less<T>())
        case .le: return zipBroadcast(a, b, Elementwise.LessEqual<T>())
        case .gt: return zipBroadcast(a, b, Elementwise.Greater<T>())
        case .ge: return zipBroadcast(a, b, Elementwise.GreaterEqual<T>())
        }
    }

    /// Logical and/or/xor on truth values (`x != 0`; NaN is true), with broadcasting.
    public static func logical(_ op: LogicalOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        _ = try broadcastShape(a.shape, b.shape)
        let x = a.cast(.bool), y = b.cast(.bool)
        if x.shape == y.shape { return boolBytewise(op, x, y) }
        switch op {
        case .and: return zipBroadcast(x, y, Elementwise.And())
        case .or: return zipBroadcast(x, y, Elementwise.Or())
        case .xor: return zipBroadcast(x, y, Elementwise.Xor())
        }
    }

    /// `op` over two bool tensors of one shape as byte arithmetic (bools are
    /// stored as the bytes 0 and 1, so `&`, `|` and `^` are the logical ops),
    /// which vectorises where a loop over `Bool` values does not.
    private static func boolBytewise(_ op: LogicalOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        var out = Tensor(uninitializedShape: a.shape, dtype: .bool)
        a.withUnsafeRawBytes { pa in
            b.withUnsafeRawBytes { pb in
                out.withUnsafeMutableBuffer(as: Bool.self) { po in
                    let x = pa.baseAddress!, y = pb.baseAddress!, o = UnsafeMutableRawPointer(po.baseAddress!)
                    Parallelism.forEachChunk(po.count, minimumPerTask: Parallelism.minimumBytesPerTask) { _, r in
                        switch op {
                        case .and:
                            for i in r { o.storeBytes(of: x.load(fromByteOffset: i, as: UInt8.self) & y.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
                        case .or:
                            for i in r { o.storeBytes(of: x.load(fromByteOffset: i, as: UInt8.self) | y.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
                        case .xor:
                            for i in r { o.storeBytes(of: x.load(fromByteOffset: i, as: UInt8.self) ^ y.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Elementwise `condition ? a : b` with broadcasting over all three (PyTorch's `torch.where`).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShape(try broadcastShape(condition.shape, a.shape), b.shape)
        let dt = resultType(a, b)
        let c = try condition.cast(.bool).broadcast(to: shape)
        let x = try a.cast(dt).broadcast(to: shape), y = try b.cast(dt).broadcast(to: shape)
        switch dt {
        case .float32: return whereTyped(c, x, y, Float.self)
        case .float64: return whereTyped(c, x, y, Double.self)
        case .int64: return whereTyped(c, x, y, Int64.self)
        case .int32: return whereTyped(c, x, y, Int32.self)
        case .uint8: return whereTyped(c, x, y, UInt8.self)
        case .bool: return whereTyped(c, x, y, Bool.self)
        }
    }

    private static func whereTyped<T: TensorElement>(_ c: Tensor, _ a: Tensor, _ b: Tensor, _: T.Type) -> Tensor {
        var out = Tensor(uninitializedShape: c.shape, dtype: T.dtype)
        c.withUnsafeBuffer(as: Bool.self) { pc in
            a.withUnsafeBuffer(as: T.self) { pa in
                b.withUnsafeBuffer(as: T.self) { pb in
                    out.withUnsafeMutableBuffer(as: T.self) { po in
                        for i in 0..<pc.count { po[i] = pc[i] ? pa[i] : pb[i] }
                    }
                }
            }
        }
        return out
    }

    // MARK: Scalars

    /// A 0-dim tensor for a Swift number used as an operand: a "weak" scalar
    /// that takes the other operand's dtype within its category (an integral
    /// value next to an integer tensor stays integer; a fractional value next
    /// to an integer tensor gives float32).
    public func scalarOperand(_ value: Double) -> Tensor {
        if dtype.isFloatingPoint { return .scalar(value, dtype: dtype) }
        if value.rounded() == value && value.isFinite && dtype != .bool { return .scalar(value, dtype: dtype) }
        if value.rounded() == value && value.isFinite { return .scalar(value, dtype: .int64) }
        return .scalar(value, dtype: .float32)
    }
}

// MARK: Operators

extension Tensor {
    /// Elementwise sum with broadcasting. Traps on incompatible shapes; use
    /// ``binary(_:_:_:)`` to get an error instead.
    public static func + (a: Tensor, b: Tensor) -> Tensor { try! binary(.add, a, b) }
    /// Elementwise difference with broadcasting (traps on incompatible shapes).
    public static func - (a: Tensor, b: Tensor) -> Tensor { try! binary(.sub, a, b) }
    /// Elementwise product with broadcasting (traps on incompatible shapes).
    public static func * (a: Tensor, b: Tensor) -> Tensor { try! binary(.mul, a, b) }
    /// Elementwise true division with broadcasting (traps on incompatible shapes).
    public static func / (a: Tensor, b: Tensor) -> Tensor { try! binary(.div, a, b) }
    /// Elementwise sum with a number, a weak scalar that keeps the tensor's dtype where it can (see ``scalarOperand(_:)``).
    public static func + (a: Tensor, b: Double) -> Tensor { a + a.scalarOperand(b) }
    /// Elementwise difference with a number, a weak scalar that keeps the tensor's dtype where it can (see ``scalarOperand(_:)``).
    public static func - (a: Tensor, b: Double) -> Tensor { a - a.scalarOperand(b) }
    /// Elementwise product with a number, a weak scalar that keeps the tensor's dtype where it can (see ``scalarOperand(_:)``).
    public static func * (a: Tensor, b: Double) -> Tensor { a * a.scalarOperand(b) }
    /// Elementwise true quotient (integers give float32) with a number, a weak scalar that keeps the tensor's dtype where it can (see ``scalarOperand(_:)``).
    public static func / (a: Tensor, b: Double) -> Tensor { a / a.scalarOperand(b) }
    /// Elementwise sum of a number and a tensor (the number is a weak scalar, see ``scalarOperand(_:)``).
    public static func + (a: Double, b: Tensor) -> Tensor { b.scalarOperand(a) + b }
    /// Elementwise difference of a number and a tensor (the number is a weak scalar, see ``scalarOperand(_:)``).
    public static func - (a: Double, b: Tensor) -> Tensor { b.scalarOperand(a) - b }
    /// Elementwise product of a number and a tensor (the number is a weak scalar, see ``scalarOperand(_:)``).
    public static func * (a: Double, b: Tensor) -> Tensor { b.scalarOperand(a) * b }
    /// Elementwise true quotient (integers give float32) of a number and a tensor (the number is a weak scalar, see ``scalarOperand(_:)``).
    public static func / (a: Double, b: Tensor) -> Tensor { b.scalarOperand(a) / b }
    /// Elementwise negation (bool becomes int64).
    public static prefix func - (a: Tensor) -> Tensor { a.cast(a.dtype == .bool ? .int64 : a.dtype) * -1 }

    /// `self ** exponent` elementwise.
    public func pow(_ exponent: Double) -> Tensor { try! Tensor.binary(.pow, self, scalarOperand(exponent)) }
    /// Elementwise `self == other` (bool).
    public func eq(_ other: Tensor) throws -> Tensor { try Tensor.compare(.eq, self, other) }
    /// Elementwise `self == value` (bool).
    public func eq(_ value: Double) -> Tensor { try! Tensor.compare(.eq, self, scalarOperand(value)) }
    /// Elementwise `self != value` (bool).
    public func ne(_ value: Double) -> Tensor { try! Tensor.compare(.ne, self, scalarOperand(value)) }
    /// Elementwise `self > value` (bool).
    public func gt(_ value: Double) -> Tensor { try! Tensor.compare(.gt, self, scalarOperand(value)) }
    /// Elementwise `self >= value` (bool).
    public func ge(_ value: Double) -> Tensor { try! Tensor.compare(.ge, self, scalarOperand(value)) }
    /// Elementwise `self < value` (bool).
    public func lt(_ value: Double) -> Tensor { try! Tensor.compare(.lt, self, scalarOperand(value)) }
    /// Elementwise `self <= value` (bool).
    public func le(_ value: Double) -> Tensor { try! Tensor.compare(.le, self, scalarOperand(value)) }
    /// Elementwise logical and (bool).
    public static func && (a: Tensor, b: Tensor) -> Tensor { try! logical(.and, a, b) }
    /// Elementwise logical or (bool).
    public static func || (a: Tensor, b: Tensor) -> Tensor { try! logical(.or, a, b) }
}
