import Foundation
import Vernier

/// Reads an input file into an update argument.
///
/// - `.npy`: any of the six dtypes, C order, little endian.
/// - `.csv`: numbers, with an optional header row (a first line that is not
///   all numbers); `file.csv:column` picks one column by header name or
///   0-based index. Columns of whole numbers give int64, others float64. One
///   column gives a 1-D tensor, several a 2-D `[rows, columns]` tensor.
/// - `.txt`: one string per line (text metrics).
enum InputFile {
    /// The number of rows (first-axis length) of an input; `.npy` files are
    /// measured from their header alone.
    static func rowCount(_ spec: String) throws -> Int {
        if spec.lowercased().hasSuffix(".npy") {
            guard FileManager.default.fileExists(atPath: spec) else { throw CLIError("input file not found: \(spec)") }
            do {
                let shape = try Tensor.npyShape(at: URL(fileURLWithPath: spec)).shape
                return shape.first ?? 1
            } catch { throw CLIError("\(spec): \(error)") }
        }
        return try read(spec).rowCount
    }

    /// Rows `rows` of an input: `.npy` files read only those rows' bytes;
    /// other files are read whole and sliced.
    static func read(_ spec: String, rows: Range<Int>) throws -> MetricInput {
        if spec.lowercased().hasSuffix(".npy") {
            do { return .tensor(try Tensor.readNpy(at: URL(fileURLWithPath: spec), rows: rows)) } catch {
                throw CLIError("\(spec): \(error)")
            }
        }
        let whole = try read(spec)
        if case .tensor(let t) = whole, t.rank == 0 { return whole }
        return try whole.rows(rows)
    }

    static func read(_ spec: String) throws -> MetricInput {
        var path = spec
        var column: String? = nil
        if let r = spec.range(of: ".csv:") {
            path = String(spec[..<r.lowerBound]) + ".csv"
            column = String(spec[r.upperBound...])
        }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("input file not found: \(path)") }
        let url = URL(fileURLWithPath: path)
        switch url.pathExtension.lowercased() {
        case "npy":
            do { return .tensor(try Tensor(npyData: try Data(contentsOf: url))) } catch {
                throw CLIError("\(path): \(error)")
            }
        case "csv": return .tensor(try readCSV(url, column: column))
        case "txt":
            let text = try String(contentsOf: url, encoding: .utf8)
            var lines = text.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            return .strings(lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
        default:
            throw CLIError("\(path): unsupported input type '.\(url.pathExtension)' (expected .npy, .csv or .txt)")
        }
    }

    static func readCSV(_ url: URL, column: String?) throws -> Tensor {
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        rows.removeAll { $0.allSatisfy(\.isEmpty) }
        guard let first = rows.first else { throw CLIError("\(url.path): empty CSV file") }
        func number(_ s: String) -> Double? {
            switch s.lowercased() {
            case "nan": return .nan
            case "inf", "+inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(s)
            }
        }
        var header: [String]? = nil
        if first.contains(where: { number($0) == nil }) {
            header = first
            rows.removeFirst()
        }
        let width = header?.count ?? first.count
        var columns = Array(0..<width)
        if let column {
            if let i = Int(column), i >= 0, i < width { columns = [i] }
            else if let i = header?.firstIndex(of: column) { columns = [i] }
            else { throw CLIError("\(url.path): no column '\(column)' (columns: \(header?.joined(separator: ", ") ?? "0..<\(width)"))") }
        }
        var values: [Double] = []
        values.reserveCapacity(rows.count * columns.count)
        for (r, row) in rows.enumerated() {
            guard row.count == width else { throw CLIError("\(url.path): row \(r + 1) has \(row.count) fields, expected \(width)") }
            for c in columns {
                guard let v = number(row[c]) else { throw CLIError("\(url.path): row \(r + 1), column \(c): '\(row[c])' is not a number") }
                values.append(v)
            }
        }
        let shape = columns.count == 1 ? [rows.count] : [rows.count, columns.count]
        let t = Tensor(values, shape: shape)
        return t.isIntegral() ? t.cast(.int64) : t
    }
}
