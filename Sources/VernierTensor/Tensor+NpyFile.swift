import Foundation

extension Tensor {
    /// The dtype and shape of a `.npy` file, read from its header only.
    public static func npyShape(at url: URL) throws -> (dtype: DType, shape: [Int]) {
        let header = try npyHeader(at: url)
        return (header.dtype, header.shape)
    }

    /// Reads rows `rows` (along the first axis) of a `.npy` file without
    /// reading the rest: the header, then one seek and one read of exactly
    /// those rows' bytes. A scalar file is returned whole.
    ///
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a malformed or
    ///   truncated file, ``TensorError/outOfRange(_:)`` for rows outside the array.
    public static func readNpy(at url: URL, rows: Range<Int>? = nil) throws -> Tensor {
        guard let rows else { return try Tensor(npyData: Data(contentsOf: url)) }
        let header = try npyHeader(at: url)
        if header.shape.isEmpty { return try Tensor(npyData: Data(contentsOf: url)) }
        guard rows.lowerBound >= 0, rows.upperBound <= header.shape[0] else {
            throw TensorError.outOfRange("npy: rows \(rows) outside 0..<\(header.shape[0]) of \(url.lastPathComponent)")
        }
        let rowBytes = header.shape.dropFirst().reduce(1, *) * header.dtype.byteWidth
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(header.dataOffset + rows.lowerBound * rowBytes))
        let need = rows.count * rowBytes
        let bytes = try handle.read(upToCount: need) ?? Data()
        guard bytes.count == need else {
            throw TensorError.invalidArgument("npy: truncated data in \(url.lastPathComponent): rows \(rows) need \(need) bytes, read \(bytes.count)")
        }
        var shape = header.shape
        shape[0] = rows.count
        return try bytes.withUnsafeBytes { try Tensor(rawBytes: $0, shape: shape, dtype: header.dtype) }
    }

    static func npyHeader(at url: URL) throws -> NpyHeader {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        // Version 1.0 headers are at most 10 + 65535 bytes; 2.0/3.0 say their length in the preamble.
        var data = try handle.read(upToCount: 12) ?? Data()
        if data.count == 12, data[6] >= 2 {
            let length = (0..<4).reduce(0) { $0 | Int(data[8 + $1]) << (8 * $1) }
            data.append(try handle.read(upToCount: length) ?? Data())
        } else if data.count >= 10 {
            let length = Int(data[8]) | Int(data[9]) << 8
            data.append(try handle.read(upToCount: max(0, length - 2)) ?? Data())
        }
        return try NpyHeader(parsing: data)
    }
}
