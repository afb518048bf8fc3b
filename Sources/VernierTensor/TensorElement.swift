/// A Swift scalar type that can be the element of a ``Tensor``.
///
/// Conversions through `Double` are exact for every dtype except int64 values
/// beyond 2^53, which kernels never route through `Double` (integer kernels
/// stay in the integer domain).
public protocol TensorElement: Sendable, Equatable {
    /// The dtype of tensors holding this type.
    static var dtype: DType { get }
    /// The additive identity (`false` for bool).
    static var zero: Self { get }
    /// The multiplicative identity (`true` for bool).
    static var one: Self { get }
    /// The value as a Double (bool is 0 or 1).
    var doubleValue: Double { get }
    /// Converts from Double: floats round to nearest, integers truncate toward
    /// zero (NaN gives 0, values beyond int64 saturate, then narrower types
    /// wrap), bool is `value != 0`.
    init(fromDouble value: Double)
    /// Converts from Int64: narrower integers wrap, floats round to nearest, bool is `value != 0`.
    init(fromInt64 value: Int64)
    /// The value as an Int64 (floats as in ``init(fromDouble:)`` for int64).
    var int64Value: Int64 { get }
}

/// A numeric ``TensorElement`` (every dtype but bool).
public protocol NumericElement: TensorElement, Numeric, Comparable {}

/// A floating-point ``TensorElement`` (float32 and float64).
public protocol FloatElement: NumericElement, BinaryFloatingPoint {}

/// An integer ``TensorElement`` (uint8, int32, int64).
public protocol IntegerElement: NumericElement, FixedWidthInteger {}

extension Float: FloatElement {
    public static var dtype: DType { .float32 }
    public static var one: Float { 1 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(fromDouble value: Double) { self = Float(value) }
    @inlinable public init(fromInt64 value: Int64) { self = Float(value) }
    @inlinable public var int64Value: Int64 { self.isFinite ? Int64(exactly: self.rounded(.towardZero)) ?? (self < 0 ? .min : .max) : (self.isNaN ? 0 : (self < 0 ? .min : .max)) }
}

extension Double: FloatElement {
    public static var dtype: DType { .float64 }
    public static var one: Double { 1 }
    @inlinable public var doubleValue: Double { self }
    @inlinable public init(fromDouble value: Double) { self = value }
    @inlinable public init(fromInt64 value: Int64) { self = Double(value) }
    @inlinable public var int64Value: Int64 { self.isFinite ? Int64(exactly: self.rounded(.towardZero)) ?? (self < 0 ? .min : .max) : (self.isNaN ? 0 : (self < 0 ? .min : .max)) }
}

extension Int64: IntegerElement {
    public static var dtype: DType { .int64 }
    public static var one: Int64 { 1 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(fromDouble value: Double) { self = value.int64Value }
    @inlinable public init(fromInt64 value: Int64) { self = value }
    @inlinable public var int64Value: Int64 { self }
}

extension Int32: IntegerElement {
    public static var dtype: DType { .int32 }
    public static var one: Int32 { 1 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(fromDouble value: Double) { self = Int32(truncatingIfNeeded: value.int64Value) }
    @inlinable public init(fromInt64 value: Int64) { self = Int32(truncatingIfNeeded: value) }
    @inlinable public var int64Value: Int64 { Int64(self) }
}

extension UInt8: IntegerElement {
    public static var dtype: DType { .uint8 }
    public static var one: UInt8 { 1 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(fromDouble value: Double) { self = UInt8(truncatingIfNeeded: value.int64Value) }
    @inlinable public init(fromInt64 value: Int64) { self = UInt8(truncatingIfNeeded: value) }
    @inlinable public var int64Value: Int64 { Int64(self) }
}

extension Bool: TensorElement {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    public static var one: Bool { true }
    @inlinable public var doubleValue: Double { self ? 1 : 0 }
    @inlinable public init(fromDouble value: Double) { self = value != 0 }
    @inlinable public init(fromInt64 value: Int64) { self = value != 0 }
    @inlinable public var int64Value: Int64 { self ? 1 : 0 }
}
