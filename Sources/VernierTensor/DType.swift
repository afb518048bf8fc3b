/// The element type of a ``Tensor``.
///
/// Promotion follows PyTorch: `bool < uint8 < int32 < int64 < float32 < float64`
/// by category (bool, integer, floating) and then by width. See ``DType/promoted(_:_:)``.
public enum DType: String, CaseIterable, Sendable, Codable {
    /// IEEE 754 single and double precision, 64- and 32-bit signed and 8-bit
    /// unsigned integers, and bool stored as one byte holding 0 or 1.
    case float32, float64, int64, int32, uint8, bool

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .uint8, .bool: return 1
        }
    }

    /// `true` for float32 and float64.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    /// `true` for uint8, int32 and int64.
    public var isInteger: Bool { self == .uint8 || self == .int32 || self == .int64 }

    /// 0 for bool, 1 for integers, 2 for floating point.
    public var category: Int { isFloatingPoint ? 2 : (isInteger ? 1 : 0) }

    var rank: Int {
        switch self {
        case .bool: return 0
        case .uint8: return 1
        case .int32: return 2
        case .int64: return 3
        case .float32: return 4
        case .float64: return 5
        }
    }

    /// The result type of a binary operation between two tensors of these types
    /// (PyTorch's `torch.promote_types`).
    public static func promoted(_ a: DType, _ b: DType) -> DType {
        a.rank >= b.rank ? a : b
    }

    /// The dtype numpy's `.npy` header uses (`<f4`, `<i8`, `|b1`, ...).
    public var npyDescr: String {
        switch self {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int64: return "<i8"
        case .int32: return "<i4"
        case .uint8: return "|u1"
        case .bool: return "|b1"
        }
    }
}
