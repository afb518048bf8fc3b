import Foundation
import Testing
@testable import VernierTensor

/// Builds a `.npy` file by hand: preamble for `version`, the header text
/// padded with spaces to a 64-byte boundary plus a newline, then `payload`.
private func npyFile(_ header: String, version: (UInt8, UInt8) = (1, 0), payload: [UInt8]) -> Data {
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version.0, version.1]
    let lengthBytes = version.0 == 1 ? 2 : 4
    var text = Array(header.utf8)
    let total = (8 + lengthBytes + text.count + 1 + 63) / 64 * 64
    text += [UInt8](repeating: 0x20, count: total - 8 - lengthBytes - text.count - 1) + [0x0A]
    for i in 0..<lengthBytes { bytes.append(UInt8((text.count >> (8 * i)) & 0xFF)) }
    return Data(bytes + text + payload)
}

private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * $0)) } }
}

private func expectNpyError(_ data: Data, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try Tensor(npyData: data)
        Issue.record("expected an npy error containing '\(fragment)'", sourceLocation: sourceLocation)
    } catch let error as TensorError {
        #expect(error.description.contains(fragment), "message was: \(error.description)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct NpyTests {
    @Test func readsNumpyFloat32Vector() throws {
        // 1.5 = 0x3FC00000, -2 = 0xC0000000, 3 = 0x40400000 (IEEE 754 single).
        let payload = littleEndianBytes([UInt32(0x3FC0_0000), 0xC000_0000, 0x4040_0000])
        let t = try Tensor(npyData: npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", payload: payload))
        #expect(t.dtype == .float32)
        #expect(t.shape == [3])
        #expect(t.toArray(Float.self) == [1.5, -2, 3])
    }

    @Test func readsScalarAndMatrixShapes() throws {
        let scalar = try Tensor(npyData: npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                                                 payload: littleEndianBytes([(7.25 as Double).bitPattern])))
        #expect(scalar.shape == [])
        #expect(scalar.item() == 7.25)
        let m = try Tensor(npyData: npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }",
                                            payload: littleEndianBytes([Int64(0), 1, 2, -3, 4, 5])))
        #expect(m.shape == [2, 3])
        #expect(m.toArray(Int64.self) == [0, 1, 2, -3, 4, 5])
    }

    @Test func readsEveryDtypeAndHeaderSpelling() throws {
        let i4 = try Tensor(npyData: npyFile("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1), }",
                                             payload: littleEndianBytes([Int32(-1), 2])))
        #expect(i4.dtype == .int32 && i4.shape == [2, 1] && i4.toArray(Int32.self) == [-1, 2])
        // Keys in another order, double quotes, no trailing comma, Python 2 long suffix.
        let u1 = try Tensor(npyData: npyFile("{\"shape\": (4L,), \"fortran_order\": False, \"descr\": \"<u1\"}", payload: [0, 7, 255, 1]))
        #expect(u1.dtype == .uint8 && u1.toArray(UInt8.self) == [0, 7, 255, 1])
        let b1 = try Tensor(npyData: npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", payload: [1, 0, 2]))
        #expect(b1.dtype == .bool)
        #expect(b1.toArray(Bool.self) == [true, false, true])
        #expect(b1.withUnsafeRawBytes { Array($0) } == [1, 0, 1])
    }

    @Test func readsVersions2And3() throws {
        for version: (UInt8, UInt8) in [(2, 0), (3, 0)] {
            let t = try Tensor(npyData: npyFile("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", version: version, payload: [9, 8]))
            #expect(t.toArray(UInt8.self) == [9, 8])
        }
    }

    @Test func readsEmptyArrays() throws {
        let t = try Tensor(npyData: npyFile("{'descr': '|u1', 'fortran_order': False, 'shape': (0, 4), }", payload: []))
        #expect(t.shape == [0, 4])
        #expect(t.count == 0)
    }

    @Test func writesNumpyHeader() {
        let data = Tensor([Float(1.5), -2, 3]).npyData()
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(Array(bytes[(10 + headerLength)...]) == littleEndianBytes([UInt32(0x3FC0_0000), 0xC000_0000, 0x4040_0000]))
        let scalarHeader = String(decoding: Tensor.scalar(1, dtype: .float64).npyData().prefix(80), as: UTF8.self)
        #expect(scalarHeader.contains("'shape': (), }"))
        let matrixHeader = String(decoding: Tensor.zeros([2, 0, 3], dtype: .bool).npyData().prefix(80), as: UTF8.self)
        #expect(matrixHeader.contains("'descr': '|b1', 'fortran_order': False, 'shape': (2, 0, 3), }"))
    }

    @Test func roundTripsEveryDtype() throws {
        let tensors: [Tensor] = [
            Tensor([Float.nan, -0.0, .infinity, 1e-30], shape: [2, 2]),
            Tensor([Double.pi, -1e300], shape: [2, 1]),
            Tensor([Int64.min, Int64.max, 0]),
            Tensor([Int32.min, 5], shape: [1, 2]),
            Tensor([UInt8(0), 200]),
            Tensor([true, false, false, true], shape: [2, 2]),
            .scalar(Int64(-4)),
            .zeros([3, 0], dtype: .float32),
        ]
        for t in tensors {
            let back = try Tensor(npyData: t.npyData())
            #expect(back.isIdentical(to: t), "\(t) round-tripped to \(back)")
        }
    }

    @Test func switchesToVersion2ForHugeHeaders() throws {
        // 22000 dimensions of size 1 ("1, " each) make a header dictionary longer than 65535 bytes.
        let t = try Tensor([Float(2)]).reshaped([Int](repeating: 1, count: 22000))
        let data = t.npyData()
        #expect(data[data.startIndex + 6] == 2)
        let back = try Tensor(npyData: data)
        #expect(back.shape == t.shape)
        #expect(back.toArray(Float.self) == [2])
    }

    @Test func readsFromDataSlices() throws {
        let file = Tensor([Int32(3), 4]).npyData()
        let sliced = (Data([0xAA, 0xBB]) + file).dropFirst(2)
        #expect(try Tensor(npyData: sliced).toArray(Int32.self) == [3, 4])
    }

    @Test func rejectsBadFiles() {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        let payload = [UInt8](repeating: 0, count: 8)
        expectNpyError(Data("PK\u{3}\u{4}zipfile".utf8), containing: "bad magic")
        expectNpyError(Data(), containing: "bad magic")
        expectNpyError(npyFile(good, version: (4, 0), payload: payload), containing: "unsupported format version 4.0")
        expectNpyError(npyFile(good, payload: payload).prefix(40), containing: "truncated header")
        expectNpyError(npyFile(good, payload: payload).prefix(9), containing: "truncated header")
        expectNpyError(npyFile(good, payload: Array(payload.prefix(7))), containing: "truncated data: float32 [2] needs 8 bytes, file has 7")
        expectNpyError(npyFile(good, payload: payload + [0]), containing: "1 unexpected bytes")
        expectNpyError(npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", payload: payload), containing: "big-endian dtype '>f4'")
        expectNpyError(npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", payload: payload), containing: "Fortran-ordered")
        expectNpyError(npyFile("{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }", payload: payload), containing: "unsupported dtype '<f2'")
        expectNpyError(npyFile("{'descr': '|i1', 'fortran_order': False, 'shape': (8,), }", payload: payload), containing: "unsupported dtype '|i1'")
        expectNpyError(npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", payload: payload), containing: "malformed header")
        expectNpyError(npyFile("{'descr': '<f4', 'fortran_order': False}", payload: payload), containing: "no tuple 'shape'")
        expectNpyError(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", payload: payload), containing: "non-negative integer")
        expectNpyError(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", payload: payload), containing: "unexpected text")
        expectNpyError(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", payload: payload), containing: "too many elements")
    }
}
