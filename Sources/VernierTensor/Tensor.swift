import Foundation

/// Reference-counted raw storage shared by tensors until one of them writes
/// (copy on write): 64-byte aligned from ``TensorBuffer/alignedBytes`` up,
/// malloc's 16-byte alignment below that.
@usableFromInline
final class TensorBuffer: @unchecked Sendable {
    @usableFromInline let bytes: UnsafeMutableRawPointer
    @usableFromInline let byteCount: Int
    /// Bytes actually allocated (at least `byteCount`; more when recycled).
    let capacity: Int

    @usableFromInline
    init(byteCount: Int) {
        self.byteCount = byteCount
        if let (bytes, capacity) = BufferPool.shared.take(byteCount) {
            self.bytes = bytes
            self.capacity = capacity
        } else {
            capacity = Swift.max(byteCount, 1)
            // Small buffers take malloc's own alignment: an over-aligned request
            // goes through memalign, which splits chunks and frees the
            // remainders, and glibc then consolidates its free lists on many
            // later frees (measured: most of the time of a small tensor op).
            bytes = UnsafeMutableRawPointer.allocate(
                byteCount: capacity, alignment: capacity >= TensorBuffer.alignedBytes ? 64 : 16)
        }
    }

    /// Byte counts from which buffers are 64-byte (cache-line) aligned.
    static let alignedBytes = 4096

    deinit {
        if !BufferPool.shared.give(bytes, capacity: capacity) { bytes.deallocate() }
    }

    @usableFromInline
    func copy() -> TensorBuffer {
        let b = TensorBuffer(byteCount: byteCount)
        b.bytes.copyMemory(from: bytes, byteCount: byteCount)
        return b
    }
}

/// Keeps a few large freed tensor allocations for reuse.
///
/// Fresh memory from the system arrives one page fault and one zeroed
/// 4 KiB page at a time; for tensors of millions of elements that costs
/// several times the kernel itself (measured: a 10M-element float32 to
/// float64 cast took 44 ms on fresh memory and 3.4 ms on reused memory).
/// Only allocations of at least 256 KiB are kept (a 1M-element bool mask is
/// one), at most 32 of them and 256 MiB in all, oldest dropped first; a request takes the smallest kept
/// allocation that fits and is at most twice its size.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    static let minimumBytes = 256 << 10
    static let maximumEntries = 32
    static let maximumTotalBytes = 256 << 20

    private let lock = NSLock()
    private var entries: [(bytes: UnsafeMutableRawPointer, capacity: Int)] = []
    private var totalBytes = 0

    /// A kept allocation of `byteCount...2 * byteCount` bytes, removed from the pool.
    func take(_ byteCount: Int) -> (UnsafeMutableRawPointer, Int)? {
        guard byteCount >= BufferPool.minimumBytes else { return nil }
        lock.lock()
        defer { lock.unlock() }
        var best: Int?
        for (i, e) in entries.enumerated() where e.capacity >= byteCount && e.capacity / 2 <= byteCount {
            if best == nil || e.capacity < entries[best!].capacity { best = i }
        }
        guard let best else { return nil }
        let e = entries.remove(at: best)
        totalBytes -= e.capacity
        return (e.bytes, e.capacity)
    }

    /// Keeps `bytes` for reuse; false when it is too small or too large to
    /// keep (the caller then frees it).
    func give(_ bytes: UnsafeMutableRawPointer, capacity: Int) -> Bool {
        guard capacity >= BufferPool.minimumBytes && capacity <= BufferPool.maximumTotalBytes else { return false }
        lock.lock()
        defer { lock.unlock() }
        while !entries.isEmpty && (entries.count >= BufferPool.maximumEntries || totalBytes + capacity > BufferPool.maximumTotalBytes) {
            let oldest = entries.removeFirst()
            totalBytes -= oldest.capacity
            oldest.bytes.deallocate()
        }
        entries.append((bytes, capacity))
        totalBytes += capacity
        return true
    }
}

/// An n-dimensional array with contiguous row-major storage and one of six
/// element types (``DType``).
///
/// `Tensor` is a value type: copies share storage until one is written
/// (copy on write). Every operation returns a new contiguous tensor; there are
/// no strided views, so kernels always run over one flat buffer.
///
/// A tensor of shape `[]` is a scalar with one element; a dimension of size 0
/// gives an empty tensor (reductions over it follow PyTorch: `sum` is 0,
/// `mean` is NaN, `min`/`max` raise).
public struct Tensor: @unchecked Sendable {
    /// The element type.
    public let dtype: DType
    /// The size of every dimension, outermost first.
    public private(set) var shape: [Int]
    @usableFromInline var buffer: TensorBuffer

    /// The number of elements (the product of `shape`; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// `true` when the tensor has one element and shape `[]`.
    public var isScalar: Bool { shape.isEmpty }
    /// Bytes held by the elements.
    public var byteCount: Int { count * dtype.byteWidth }

    /// An uninitialised tensor; only for kernels that write every element.
    @usableFromInline
    init(uninitializedShape shape: [Int], dtype: DType) {
        self.dtype = dtype
        self.shape = shape
        self.buffer = TensorBuffer(byteCount: shape.reduce(1, *) * dtype.byteWidth)
    }

    @usableFromInline
    init(buffer: TensorBuffer, shape: [Int], dtype: DType) {
        self.dtype = dtype
        self.shape = shape
        self.buffer = buffer
    }

    /// A tensor of the given shape filled with zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.buffer.bytes.initializeMemory(as: UInt8.self, repeating: 0, count: t.buffer.byteCount)
        return t
    }

    /// A tensor of the given shape filled with ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, 1, dtype: dtype)
    }

    /// A tensor of the given shape with every element equal to `value`
    /// (converted to `dtype`).
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fill(value)
        return t
    }

    /// A scalar tensor (shape `[]`).
    public static func scalar(_ value: Double, dtype: DType = .float32) -> Tensor {
        full([], value, dtype: dtype)
    }

    /// A scalar int64 tensor.
    public static func scalar(_ value: Int64) -> Tensor {
        Tensor([value], shape: [])
    }

    /// A 1-D tensor `start, start+step, ...` stopping before `end` (PyTorch's
    /// `arange`); empty when `end` is not beyond `start` in the step's direction.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a zero or non-finite
    ///   step or non-finite bounds.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .int64) throws -> Tensor {
        guard step != 0 && step.isFinite && start.isFinite && end.isFinite else {
            throw TensorError.invalidArgument("arange: expected finite bounds and a finite non-zero step, got start \(start), end \(end), step \(step)")
        }
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        var values = [Double](repeating: 0, count: n)
        for i in 0..<n { values[i] = start + Double(i) * step }
        return Tensor(values, shape: [n]).cast(dtype)
    }

    /// `0, 1, ..., end - 1` (PyTorch's `arange(end)`; empty when `end <= 0`).
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a non-finite `end`.
    public static func arange(_ end: Double, dtype: DType = .int64) throws -> Tensor {
        try arange(0, end, dtype: dtype)
    }

    /// `n` evenly spaced values from `start` to `end` inclusive (PyTorch's `linspace`).
    public static func linspace(_ start: Double, _ end: Double, count n: Int, dtype: DType = .float32) -> Tensor {
        if n == 1 { return Tensor([start], shape: [1]).cast(dtype) }
        var values = [Double](repeating: 0, count: Swift.max(n, 0))
        let step = (end - start) / Double(n - 1)
        for i in 0..<Swift.max(n, 0) { values[i] = i == n - 1 ? end : start + Double(i) * step }
        return Tensor(values, shape: [Swift.max(n, 0)]).cast(dtype)
    }

    /// A tensor holding `values` with the given shape (default: 1-D).
    ///
    /// - Precondition: `values.count` equals the product of `shape`.
    public init<T: TensorElement>(_ values: [T], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        precondition(shape.reduce(1, *) == values.count, "Tensor: \(values.count) values do not fill shape \(shape)")
        self.init(uninitializedShape: shape, dtype: T.dtype)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress {
                buffer.bytes.copyMemory(from: base, byteCount: values.count * MemoryLayout<T>.stride)
            }
        }
    }

    /// Reads the elements as a Swift array of `T`.
    ///
    /// - Precondition: `T.dtype == dtype` (use ``cast(_:)`` first otherwise).
    public func toArray<T: TensorElement>(_: T.Type = T.self) -> [T] {
        precondition(T.dtype == dtype, "toArray: tensor is \(dtype), asked for \(T.dtype)")
        return withUnsafeBuffer(as: T.self) { Array($0) }
    }

    /// The elements converted to `Double` (int64 beyond 2^53 loses precision).
    public func toDoubles() -> [Double] {
        switch dtype {
        case .float32: return withUnsafeBuffer(as: Float.self) { $0.map { Double($0) } }
        case .float64: return toArray(Double.self)
        case .int64: return withUnsafeBuffer(as: Int64.self) { $0.map { Double($0) } }
        case .int32: return withUnsafeBuffer(as: Int32.self) { $0.map { Double($0) } }
        case .uint8: return withUnsafeBuffer(as: UInt8.self) { $0.map { Double($0) } }
        case .bool: return withUnsafeBuffer(as: Bool.self) { $0.map { $0 ? 1 : 0 } }
        }
    }

    /// The elements converted to `Int64` (floats truncate toward zero, NaN gives 0).
    public func toInt64s() -> [Int64] { cast(.int64).toArray(Int64.self) }

    /// The single element as a `Double`.
    ///
    /// - Precondition: `count == 1`.
    public func item() -> Double {
        precondition(count == 1, "item: tensor has \(count) elements, expected 1")
        return element(at: 0)
    }

    /// The element at flat index `i`, as a `Double`.
    public func element(at i: Int) -> Double {
        let p = buffer.bytes
        switch dtype {
        case .float32: return Double(p.load(fromByteOffset: i * 4, as: Float.self))
        case .float64: return p.load(fromByteOffset: i * 8, as: Double.self)
        case .int64: return Double(p.load(fromByteOffset: i * 8, as: Int64.self))
        case .int32: return Double(p.load(fromByteOffset: i * 4, as: Int32.self))
        case .uint8: return Double(p.load(fromByteOffset: i, as: UInt8.self))
        case .bool: return p.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0
        }
    }

    /// The element at flat index `i` as an `Int64` (exact for integer dtypes).
    public func int64Element(at i: Int) -> Int64 {
        let p = buffer.bytes
        switch dtype {
        case .int64: return p.load(fromByteOffset: i * 8, as: Int64.self)
        case .int32: return Int64(p.load(fromByteOffset: i * 4, as: Int32.self))
        case .uint8, .bool: return Int64(p.load(fromByteOffset: i, as: UInt8.self))
        case .float32, .float64: return element(at: i).int64Value
        }
    }

    /// Runs `body` over the elements, read-only, without copying.
    @inlinable
    public func withUnsafeBuffer<T: TensorElement, R>(as _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "withUnsafeBuffer: tensor is \(dtype), asked for \(T.dtype)")
        let p = buffer.bytes.assumingMemoryBound(to: T.self)
        return try body(UnsafeBufferPointer(start: p, count: count))
    }

    /// Runs `body` over the elements, writable; copies the storage first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBuffer<T: TensorElement, R>(as _: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "withUnsafeMutableBuffer: tensor is \(dtype), asked for \(T.dtype)")
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
        let p = buffer.bytes.assumingMemoryBound(to: T.self)
        return try body(UnsafeMutableBufferPointer(start: p, count: count))
    }

    /// The raw little-endian bytes of the elements.
    public func withUnsafeRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: buffer.bytes, count: byteCount))
    }

    /// A tensor from raw little-endian bytes (bool bytes are normalised to 0/1).
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` when the byte count does not match.
    public init(rawBytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType) throws {
        let n = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), rawBytes.count == n * dtype.byteWidth else {
            throw TensorError.invalidArgument("expected \(n * dtype.byteWidth) bytes for \(dtype) \(shape), got \(rawBytes.count)")
        }
        self.init(uninitializedShape: shape, dtype: dtype)
        if let base = rawBytes.baseAddress, rawBytes.count > 0 {
            buffer.bytes.copyMemory(from: base, byteCount: rawBytes.count)
        }
        if dtype == .bool {
            let p = buffer.bytes.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n where p[i] > 1 { p[i] = 1 }
        }
    }

    /// Sets every element to `value` (converted to the dtype).
    public mutating func fill(_ value: Double) {
        switch dtype {
        case .float32: withUnsafeMutableBuffer(as: Float.self) { $0.update(repeating: Float(value)) }
        case .float64: withUnsafeMutableBuffer(as: Double.self) { $0.update(repeating: value) }
        case .int64: withUnsafeMutableBuffer(as: Int64.self) { $0.update(repeating: Int64(fromDouble: value)) }
        case .int32: withUnsafeMutableBuffer(as: Int32.self) { $0.update(repeating: Int32(fromDouble: value)) }
        case .uint8: withUnsafeMutableBuffer(as: UInt8.self) { $0.update(repeating: UInt8(fromDouble: value)) }
        case .bool: withUnsafeMutableBuffer(as: Bool.self) { $0.update(repeating: value != 0) }
        }
    }

    /// The same elements with another shape of equal element count; one
    /// dimension may be -1 (inferred).
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)`` when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var shape = newShape
        let known = shape.filter { $0 != -1 }.reduce(1, *)
        let inferred = shape.filter { $0 == -1 }.count
        if inferred > 1 || shape.contains(where: { $0 < -1 }) {
            throw TensorError.shapeMismatch("reshape: invalid shape \(newShape)")
        }
        if inferred == 1 {
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch("reshape: cannot reshape \(self.shape) to \(newShape)")
            }
            shape[shape.firstIndex(of: -1)!] = count / known
        }
        guard shape.reduce(1, *) == count else {
            throw TensorError.shapeMismatch("reshape: cannot reshape \(self.shape) (\(count) elements) to \(newShape)")
        }
        return Tensor(buffer: buffer, shape: shape, dtype: dtype)
    }

    /// The elements as a 1-D tensor.
    public func flattened() -> Tensor { Tensor(buffer: buffer, shape: [count], dtype: dtype) }

    /// Whether both tensors have the same dtype, shape and elements (NaN equals NaN).
    public func isIdentical(to other: Tensor) -> Bool {
        guard dtype == other.dtype, shape == other.shape else { return false }
        if buffer === other.buffer { return true }
        if dtype.isFloatingPoint {
            for i in 0..<count {
                let a = element(at: i), b = other.element(at: i)
                if !(a == b || (a.isNaN && b.isNaN)) { return false }
            }
            return true
        }
        return memcmp(buffer.bytes, other.buffer.bytes, byteCount) == 0
    }
}

/// Errors raised by tensor operations. The message says what was expected.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Shapes that do not broadcast, reshape or line up as the operation needs.
    case shapeMismatch(String)
    /// An operand of a dtype the operation does not accept.
    case dtypeMismatch(String)
    /// An argument or input value outside what the operation accepts (also malformed `.npy` data).
    case invalidArgument(String)
    /// An axis or index outside its dimension.
    case outOfRange(String)

    /// The message, naming the operation, the argument and what was expected.
    public var description: String {
        switch self {
        case .shapeMismatch(let m), .dtypeMismatch(let m), .invalidArgument(let m), .outOfRange(let m): return m
        }
    }
}

extension Tensor: CustomStringConvertible {
    /// A short human-readable form: `Tensor(float32 [2, 3]: 0.1, 0.2, ...)`.
    public var description: String {
        let n = Swift.min(count, 8)
        var parts: [String] = []
        for i in 0..<n {
            if dtype.isFloatingPoint { parts.append(String(element(at: i))) } else { parts.append(String(int64Element(at: i))) }
        }
        if count > n { parts.append("...") }
        return "Tensor(\(dtype.rawValue) \(shape): \(parts.joined(separator: ", ")))"
    }
}
