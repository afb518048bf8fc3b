import Foundation

extension Tensor {
    /// Reads a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0).
    ///
    /// Supported: dtypes `<f4 <f8 <i8 <i4 |u1 |b1` (and `<u1`, `|i8`-style
    /// byte-order marks where the width makes them equivalent), C order,
    /// little endian; shapes including `()` scalars. The element bytes are
    /// copied in one `memcpy`.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a bad magic string,
    ///   an unsupported dtype, big-endian or Fortran-ordered data, or a
    ///   truncated file, saying which.
    public init(npyData data: Data) throws {
        func fail(_ m: String) -> TensorError { .invalidArgument("npy: \(m)") }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw fail("not a .npy file (bad magic string)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default: throw fail("unsupported format version \(major).\(bytes[7])")
        }
        guard data.count >= headerStart + headerLength else { throw fail("truncated header") }
        let header = String(decoding: data[data.startIndex + headerStart ..< data.startIndex + headerStart + headerLength], as: UTF8.self)
        func field(_ key: String) throws -> String {
            guard let r = header.range(of: "'\(key)':") else { throw fail("header has no '\(key)'") }
            return header[r.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        let descrText = try field("descr")
        guard descrText.hasPrefix("'"), let end = descrText.dropFirst().firstIndex(of: "'") else { throw fail("malformed descr") }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])
        let dtype: DType
        switch descr {
        case "<f4": dtype = .float32
        case "<f8": dtype = .float64
        case "<i8": dtype = .int64
        case "<i4": dtype = .int32
        case "|u1", "<u1": dtype = .uint8
        case "|b1", "<b1": dtype = .bool
        default:
            if descr.hasPrefix(">") { throw fail("big-endian data ('\(descr)') is not supported; save little-endian") }
            throw fail("unsupported dtype '\(descr)' (expected float32, float64, int64, int32, uint8 or bool)")
        }
        if try field("fortran_order").hasPrefix("True") { throw fail("Fortran-ordered arrays are not supported; save in C order") }
        let shapeText = try field("shape")
        guard shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else { throw fail("malformed shape") }
        let dims = shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let v = Int(d), v >= 0 else { throw fail("malformed shape dimension '\(d)'") }
            return v
        }
        let start = headerStart + headerLength
        let need = shape.reduce(1, *) * dtype.byteWidth
        guard data.count - start >= need else {
            throw fail("truncated data: \(data.count - start) bytes for \(dtype) \(shape), expected \(need)")
        }
        self = try data.withUnsafeBytes { raw in
            try Tensor(rawBytes: UnsafeRawBufferPointer(rebasing: raw[start..<(start + need)]), shape: shape, dtype: dtype)
        }
    }

    /// The tensor as `.npy` bytes (format 1.0, or 2.0 when the header needs it).
    public func npyData() -> Data {
        let dims = shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))"
        var header = "{'descr': '\(dtype.npyDescr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let v1 = header.utf8.count + 11 <= 65535
        let prefix = v1 ? 10 : 12
        let total = ((prefix + header.utf8.count + 1 + 63) / 64) * 64
        header += String(repeating: " ", count: total - prefix - header.utf8.count - 1) + "\n"
        var out = Data([0x93] + Array("NUMPY".utf8) + [v1 ? 1 : 2, 0])
        let n = header.utf8.count
        if v1 { out.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)]) } else {
            out.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)])
        }
        out.append(Data(header.utf8))
        withUnsafeRawBytes { out.append(contentsOf: $0) }
        return out
    }
}
