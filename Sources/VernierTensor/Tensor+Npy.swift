import Foundation

extension Tensor {
    /// Reads a tensor from the bytes of a NumPy `.npy` file.
    ///
    /// Accepts format versions 1.0, 2.0 and 3.0; C (row-major) order
    /// (`fortran_order: False`); the little-endian dtypes `<f4 <f8 <i8 <i4`
    /// and the one-byte `|u1 |b1` (also spelled `<u1 <b1`, since byte order
    /// does not apply to them). The shape may be `()` (a scalar), `(n,)` or any
    /// tuple of non-negative sizes; a zero size gives an empty tensor. Bool
    /// bytes other than 0 are read as `true`. The payload is copied with one
    /// `memcpy`, so large arrays load at memory bandwidth.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` naming the problem: bad
    ///   magic string, unsupported version, truncated header or data, trailing
    ///   bytes after the data, malformed header dictionary, big-endian or
    ///   unsupported dtype, Fortran order.
    public init(npyData data: Data) throws {
        let header = try NpyHeader(parsing: data)
        let n = header.shape.reduce(1, *)
        let expected = n * header.dtype.byteWidth
        let available = data.count - header.dataOffset
        guard available >= expected else {
            throw TensorError.invalidArgument("npy: truncated data: \(header.dtype) \(header.shape) needs \(expected) bytes, file has \(available)")
        }
        guard available == expected else {
            throw TensorError.invalidArgument("npy: \(available - expected) unexpected bytes after the \(expected) data bytes of \(header.dtype) \(header.shape)")
        }
        self = try data.withUnsafeBytes { raw in
            try Tensor(rawBytes: UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...]), shape: header.shape, dtype: header.dtype)
        }
    }

    /// The tensor encoded as a NumPy `.npy` file (format 1.0, or 2.0 when the
    /// header exceeds 65535 bytes), C order, little endian, with the header
    /// padded so the data starts on a 64-byte boundary like `numpy.save`.
    /// A scalar is written with shape `()`.
    public func npyData() -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = Array("{'descr': '\(dtype.npyDescr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // The preamble is magic (6) + version (2) + header length (2 in 1.0,
        // 4 in 2.0); the dictionary is padded with spaces and ends in a newline.
        var major: UInt8 = 1
        var preamble = 10
        var padded = (preamble + dict.count + 1 + 63) / 64 * 64
        if padded - preamble > Int(UInt16.max) {
            major = 2
            preamble = 12
            padded = (preamble + dict.count + 1 + 63) / 64 * 64
        }
        dict.append(contentsOf: [UInt8](repeating: 0x20, count: padded - preamble - dict.count - 1))
        dict.append(0x0A)
        var out = Data(capacity: padded + byteCount)
        out.append(contentsOf: NpyHeader.magic)
        out.append(contentsOf: [major, 0])
        let len = UInt32(dict.count)
        for i in 0..<(preamble - 8) { out.append(UInt8(truncatingIfNeeded: len >> (8 * UInt32(i)))) }
        out.append(contentsOf: dict)
        withUnsafeRawBytes { out.append(contentsOf: $0) }
        return out
    }
}

/// The parsed preamble and header dictionary of a `.npy` file.
struct NpyHeader {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    let dtype: DType
    let shape: [Int]
    /// Byte offset of the first element.
    let dataOffset: Int

    init(parsing data: Data) throws {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 6, Array(bytes[0..<6]) == NpyHeader.magic else {
            throw TensorError.invalidArgument("npy: bad magic string (expected \\x93NUMPY at the start of the file)")
        }
        guard bytes.count >= 8 else { throw TensorError.invalidArgument("npy: truncated header (no version bytes)") }
        let major = bytes[6], minor = bytes[7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default: throw TensorError.invalidArgument("npy: unsupported format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw TensorError.invalidArgument("npy: truncated header (no header length)")
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard data.count - start >= headerLength else {
            throw TensorError.invalidArgument("npy: truncated header: header length is \(headerLength) bytes, file has \(data.count - start) after the preamble")
        }
        let text = [UInt8](data.dropFirst(start).prefix(headerLength))
        var parser = NpyDictParser(text)
        let dict = try parser.parseDictionary()
        guard case .string(let descr)? = dict["descr"] else {
            throw TensorError.invalidArgument("npy: header has no string 'descr' (structured dtypes are not supported)")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else {
            throw TensorError.invalidArgument("npy: header has no boolean 'fortran_order'")
        }
        guard case .tuple(let shape)? = dict["shape"] else {
            throw TensorError.invalidArgument("npy: header has no tuple 'shape'")
        }
        guard !fortran else {
            throw TensorError.invalidArgument("npy: Fortran-ordered arrays are not supported (save with C order, e.g. numpy.ascontiguousarray)")
        }
        dtype = try NpyHeader.dtype(forDescr: descr)
        var total = 1
        for d in shape {
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow else { throw TensorError.invalidArgument("npy: shape \(shape) has too many elements") }
            total = p
        }
        self.shape = shape
        dataOffset = start + headerLength
    }

    static func dtype(forDescr descr: String) throws -> DType {
        switch descr {
        case "<f4": return .float32
        case "<f8": return .float64
        case "<i8": return .int64
        case "<i4": return .int32
        case "|u1", "<u1": return .uint8
        case "|b1", "<b1": return .bool
        default:
            if descr.hasPrefix(">") {
                throw TensorError.invalidArgument("npy: big-endian dtype '\(descr)' is not supported (expected little endian, e.g. '<\(descr.dropFirst())')")
            }
            throw TensorError.invalidArgument("npy: unsupported dtype '\(descr)' (expected one of <f4 <f8 <i8 <i4 |u1 |b1)")
        }
    }
}

/// A value in a `.npy` header dictionary.
enum NpyValue: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])
}

/// A parser for the Python literal dictionary of a `.npy` header: string
/// keys mapping to strings, `True`/`False` or tuples of non-negative integers.
struct NpyDictParser {
    private let s: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { s = bytes }

    private func fail(_ what: String) -> TensorError {
        let text = String(decoding: s.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return TensorError.invalidArgument("npy: malformed header (\(what) at offset \(i)): \(text)")
    }

    private mutating func skipSpace() {
        while i < s.count, s[i] == 0x20 || s[i] == 0x0A || s[i] == 0x09 || s[i] == 0x0D { i += 1 }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard i < s.count, s[i] == c.asciiValue! else { throw fail("expected '\(c)'") }
        i += 1
    }

    private mutating func peek(_ c: Character) -> Bool {
        skipSpace()
        return i < s.count && s[i] == c.asciiValue!
    }

    mutating func parseDictionary() throws -> [String: NpyValue] {
        var out: [String: NpyValue] = [:]
        try expect("{")
        while !peek("}") {
            let key = try parseString()
            try expect(":")
            out[key] = try parseValue()
            if peek(",") { i += 1 } else { break }
        }
        try expect("}")
        skipSpace()
        guard i == s.count else { throw fail("unexpected text after the dictionary") }
        return out
    }

    private mutating func parseString() throws -> String {
        skipSpace()
        guard i < s.count, s[i] == 0x27 || s[i] == 0x22 else { throw fail("expected a quoted string") }
        let quote = s[i]
        i += 1
        let begin = i
        while i < s.count, s[i] != quote { i += 1 }
        guard i < s.count else { throw fail("unterminated string") }
        let value = String(decoding: s[begin..<i], as: UTF8.self)
        i += 1
        return value
    }

    private mutating func parseValue() throws -> NpyValue {
        skipSpace()
        guard i < s.count else { throw fail("expected a value") }
        switch s[i] {
        case 0x27, 0x22: return .string(try parseString())
        case 0x28: return .tuple(try parseTuple())
        default:
            for (word, value) in [("True", true), ("False", false)] where s[i...].starts(with: word.utf8) {
                i += word.utf8.count
                return .bool(value)
            }
            throw fail("expected a string, a tuple, True or False")
        }
    }

    private mutating func parseTuple() throws -> [Int] {
        try expect("(")
        var dims: [Int] = []
        while !peek(")") {
            let begin = i
            var value = 0
            while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(s[i] - 0x30))
                guard !o1 && !o2 else { throw fail("dimension too large") }
                value = a
                i += 1
            }
            guard i > begin else { throw fail("expected a non-negative integer dimension") }
            // Python 2 era files write long integers with an 'L' suffix.
            if i < s.count, s[i] == 0x4C { i += 1 }
            dims.append(value)
            if peek(",") { i += 1 } else { break }
        }
        try expect(")")
        return dims
    }
}
