import Foundation
import VernierTensor

/// Checkpoint files: a safetensors-style container for a metric's states.
///
/// Layout: 8 bytes little-endian header length `N`, `N` bytes of JSON header,
/// then the raw little-endian tensor bytes. The header maps each tensor key to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data
/// area) and holds `__metadata__` with the metric name, its canonical options,
/// the format version, the update count, and the state layout. A tensor
/// state's key is its name; item `i` of a `cat` state is `name/i`.
///
/// Files are written atomically: a temporary file in the same folder,
/// `fsync`, then `rename`. Loading validates everything before touching the
/// metric, so a file of another metric, other options, a truncated or a
/// corrupt file is an error that leaves the metric unchanged.
public enum Checkpoint {
    /// The format version written by this library.
    public static let formatVersion = 1

    /// The checkpoint bytes of a metric's states.
    public static func encode(_ metric: any Metric) -> Data {
        let state = metric.state
        var tensors: [(String, Tensor)] = []
        var listCounts: [String: JSONValue] = [:]
        for (spec, value) in zip(state.specs, state.values) {
            switch value {
            case .tensor(let t): tensors.append((spec.name, t))
            case .list(let items):
                listCounts[spec.name] = .int(items.count)
                for (i, t) in items.enumerated() { tensors.append(("\(spec.name)/\(i)", t)) }
            }
        }
        var header: [String: JSONValue] = [:]
        var offset = 0
        for (key, t) in tensors {
            header[key] = .object([
                "dtype": .string(t.dtype.rawValue),
                "shape": .array(t.shape.map { .int($0) }),
                "data_offsets": .array([.int(offset), .int(offset + t.byteCount)]),
            ])
            offset += t.byteCount
        }
        header["__metadata__"] = .object([
            "metric": .string(metric.name),
            "options": .string(metric.options.description),
            "format_version": .string(String(formatVersion)),
            "update_count": .string(String(metric.updateCount)),
            "layout": .string(state.layoutSignature),
            "list_counts": .string(JSONValue.object(listCounts).serialized()),
        ])
        var headerBytes = Data(JSONValue.object(header).serialized().utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = Data()
        var n = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(headerBytes)
        for (_, t) in tensors { t.withUnsafeRawBytes { out.append(contentsOf: $0) } }
        return out
    }

    /// Restores a metric's states from checkpoint bytes; the metric is
    /// unchanged when anything fails.
    public static func decode(_ data: Data, into metric: any Metric) throws {
        func fail(_ d: String) -> MetricError { .checkpoint(metric: metric.name, detail: d) }
        guard data.count >= 8 else { throw fail("file is truncated (\(data.count) bytes, no header)") }
        let n = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard n <= UInt64(data.count - 8), n < 100_000_000 else { throw fail("header length \(n) exceeds the file size (\(data.count) bytes): truncated or corrupt") }
        let headerData = data.subdata(in: 8..<(8 + Int(n)))
        guard let header = try? JSONValue.parse(headerData), case .object(let entries) = header else {
            throw fail("header is not valid JSON: corrupt file")
        }
        guard let meta = entries["__metadata__"]?.objectValue else { throw fail("header has no __metadata__") }
        guard let version = meta["format_version"]?.stringValue.flatMap({ Int($0) }), version <= formatVersion else {
            throw fail("unsupported format version \(meta["format_version"]?.stringValue ?? "?") (this library reads up to \(formatVersion))")
        }
        guard let name = meta["metric"]?.stringValue, name == metric.name else {
            throw fail("file holds metric '\(meta["metric"]?.stringValue ?? "?")', not '\(metric.name)'")
        }
        guard let opts = meta["options"]?.stringValue, opts == metric.options.description else {
            throw fail("file was written with options '\(meta["options"]?.stringValue ?? "?")', this metric has '\(metric.options)'")
        }
        let state = metric.state
        guard meta["layout"]?.stringValue == state.layoutSignature else {
            throw fail("state layout differs: file '\(meta["layout"]?.stringValue ?? "?")', metric '\(state.layoutSignature)'")
        }
        guard let countText = meta["update_count"]?.stringValue, let updateCount = Int(countText), updateCount >= 0 else {
            throw fail("missing or invalid update_count")
        }
        let listCounts = meta["list_counts"]?.stringValue.flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue } ?? [:]
        let dataStart = 8 + Int(n)
        let dataSize = data.count - dataStart
        func readTensor(_ key: String) throws -> Tensor {
            guard let e = entries[key]?.objectValue,
                  let dt = e["dtype"]?.stringValue.flatMap(DType.init(rawValue:)),
                  let shape = e["shape"]?.arrayValue?.compactMap(\.intValue),
                  let offs = e["data_offsets"]?.arrayValue?.compactMap(\.intValue), offs.count == 2 else {
                throw fail("entry '\(key)' is missing or malformed")
            }
            guard shape.allSatisfy({ $0 >= 0 }), offs[0] >= 0, offs[1] >= offs[0], offs[1] <= dataSize,
                  offs[1] - offs[0] == shape.reduce(1, *) * dt.byteWidth else {
                throw fail("entry '\(key)' points outside the data (\(dataSize) bytes): truncated or corrupt")
            }
            return try data.withUnsafeBytes { raw in
                try Tensor(rawBytes: UnsafeRawBufferPointer(rebasing: raw[(dataStart + offs[0])..<(dataStart + offs[1])]), shape: shape, dtype: dt)
            }
        }
        var values: [StateValue] = []
        for spec in state.specs {
            switch spec.initial {
            case .tensor(let d):
                let t = try readTensor(spec.name)
                guard t.shape == d.shape, t.dtype == d.dtype else {
                    throw fail("state '\(spec.name)' is \(t.dtype)\(t.shape), expected \(d.dtype)\(d.shape)")
                }
                values.append(.tensor(t))
            case .list:
                guard let k = listCounts[spec.name]?.intValue, k >= 0 else { throw fail("list state '\(spec.name)' has no item count") }
                values.append(.list(try (0..<k).map { try readTensor("\(spec.name)/\($0)") }))
            }
        }
        try metric.restore(values: values, updateCount: updateCount)
    }

    /// Writes `bytes` to `url` atomically: a temporary file in the same
    /// folder, fsync, rename.
    public static func writeAtomically(_ bytes: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp.path])
        }
        do {
            let h = try FileHandle(forWritingTo: tmp)
            try h.write(contentsOf: bytes)
            try h.synchronize()
            try h.close()
            guard rename(tmp.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }
}

extension Metric {
    /// Saves the states, options and update count to `url` atomically.
    public func save(to url: URL) throws {
        try Checkpoint.writeAtomically(Checkpoint.encode(self), to: url)
    }

    /// Loads states saved by ``save(to:)``.
    ///
    /// - Throws: ``MetricError/checkpoint(metric:detail:)`` for an unreadable,
    ///   truncated or corrupt file, or one of another metric or other options;
    ///   the metric is unchanged then.
    public func load(from url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw MetricError.checkpoint(metric: name, detail: "cannot read \(url.path): \(error.localizedDescription)")
        }
        try Checkpoint.decode(data, into: self)
    }
}
