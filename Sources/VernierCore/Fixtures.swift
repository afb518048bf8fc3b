import Foundation
import VernierTensor

/// Reference-value fixtures (the format of `shared/fixtures/*.json`): cases
/// of a metric, its options, batches fed in order, and the expected value or
/// the expectation that the input is rejected.
public struct FixtureCase: Sendable {
    /// What a case expects.
    public indirect enum Expected: Sendable {
        case tensor(Tensor)
        case list([Expected])
        case dict([String: Expected])
        /// The input must be rejected (TorchMetrics' message, for information).
        case error(String)
    }

    public let id: String
    public let metric: String
    public let args: [String: OptionValue]
    public let batches: [MetricInputs]
    public let expected: Expected
    public let atol: Double
    public let rtol: Double

    /// Parses one case object.
    public init(json: JSONValue) throws {
        func fail(_ m: String) -> Error { FixtureError.malformed(m) }
        guard let id = json["id"]?.stringValue, let metric = json["metric"]?.stringValue else { throw fail("case without id or metric") }
        self.id = id
        self.metric = metric
        args = (json["args"]?.objectValue ?? [:]).mapValues { OptionValue(json: $0) }
        guard let batches = json["batches"]?.arrayValue else { throw fail("\(id): no batches") }
        self.batches = try batches.map { b in
            guard let o = b.objectValue else { throw fail("\(id): a batch is not an object") }
            var inputs = MetricInputs()
            for (k, v) in o { inputs[k] = try FixtureCase.input(v, id: id, key: k) }
            return inputs
        }
        if let e = json["error"] {
            expected = .error(e.stringValue ?? e.serialized())
        } else if let e = json["expected"] {
            expected = try FixtureCase.expectedValue(e, id: id)
        } else {
            throw fail("\(id): neither expected nor error")
        }
        atol = json["atol"]?.doubleValue ?? 1e-6
        rtol = json["rtol"]?.doubleValue ?? 1e-5
    }

    static func input(_ v: JSONValue, id: String, key: String) throws -> MetricInput {
        if case .object = v { return .tensor(try tensor(v, id: id)) }
        guard let items = v.arrayValue else { throw FixtureError.malformed("\(id): input '\(key)' is neither a tensor nor a list") }
        if items.allSatisfy({ $0.stringValue != nil }) { return .strings(items.compactMap(\.stringValue)) }
        return .stringLists(try items.map { row in
            guard let r = row.arrayValue else { throw FixtureError.malformed("\(id): input '\(key)' mixes strings and lists") }
            return r.compactMap(\.stringValue)
        })
    }

    /// A tensor from `{"dtype", "shape", "data"}` (non-finite floats as strings).
    public static func tensor(_ v: JSONValue, id: String) throws -> Tensor {
        guard let dt = v["dtype"]?.stringValue.flatMap(DType.init(rawValue:)),
              let shape = v["shape"]?.arrayValue?.compactMap(\.intValue),
              let data = v["data"]?.arrayValue else {
            throw FixtureError.malformed("\(id): malformed tensor")
        }
        guard data.count == shape.reduce(1, *) else { throw FixtureError.malformed("\(id): \(data.count) values for shape \(shape)") }
        switch dt {
        case .int64, .int32, .uint8:
            return Tensor(try data.map { d -> Int64 in
                guard let i = d.intValue else { throw FixtureError.malformed("\(id): non-integer value in \(dt) tensor") }
                return Int64(i)
            }, shape: shape).cast(dt)
        case .bool:
            return Tensor(data.map { d -> Bool in
                if case .bool(let b) = d { return b }
                return (d.doubleValue ?? 0) != 0
            }, shape: shape)
        case .float32, .float64:
            return Tensor(try data.map { d -> Double in
                guard let x = d.doubleValue else { throw FixtureError.malformed("\(id): non-numeric value in \(dt) tensor") }
                return x
            }, shape: shape).cast(dt)
        }
    }

    static func expectedValue(_ v: JSONValue, id: String) throws -> Expected {
        switch v {
        case .object(let o) where o["dtype"] != nil: return .tensor(try tensor(v, id: id))
        case .object(let o): return .dict(try o.mapValues { try expectedValue($0, id: id) })
        case .array(let a): return .list(try a.map { try expectedValue($0, id: id) })
        default: throw FixtureError.malformed("\(id): malformed expected value")
        }
    }
}

/// A problem with a fixture file itself.
public enum FixtureError: Error, CustomStringConvertible {
    case malformed(String)
    public var description: String { if case .malformed(let m) = self { return "malformed fixture: \(m)" }; return "" }
}

/// The outcome of one fixture case.
public struct FixtureResult: Sendable {
    public let id: String
    public let metric: String
    public let passed: Bool
    /// Why it failed (empty when passed).
    public let detail: String
}

/// Loads fixture files and checks metrics against them.
public enum Fixtures {
    /// Every case of a fixture file.
    public static func load(_ url: URL) throws -> [FixtureCase] {
        let doc = try JSONValue.parse(try Data(contentsOf: url))
        guard let cases = doc["cases"]?.arrayValue else { throw FixtureError.malformed("\(url.lastPathComponent): no cases") }
        return try cases.map { try FixtureCase(json: $0) }
    }

    /// The `*.json` files under `path` (a file is returned as it is), sorted.
    public static func files(at path: String) throws -> [URL] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw FixtureError.malformed("no such file or folder: \(path)")
        }
        if !isDir.boolValue { return [URL(fileURLWithPath: path)] }
        let items = try FileManager.default.contentsOfDirectory(atPath: path)
        return items.filter { $0.hasSuffix(".json") }.sorted().map { URL(fileURLWithPath: path).appendingPathComponent($0) }
    }

    /// Runs one case: builds the metric with `make`, feeds every batch, and
    /// compares `compute()` with the expected value; for an `error` case, the
    /// options or a batch must be rejected and a rejected batch must leave the
    /// state unchanged.
    public static func run(_ c: FixtureCase, make: (String, [String: OptionValue]) throws -> any Metric) -> FixtureResult {
        func result(_ ok: Bool, _ d: String = "") -> FixtureResult { FixtureResult(id: c.id, metric: c.metric, passed: ok, detail: d) }
        let metric: any Metric
        do { metric = try make(c.metric, c.args) } catch {
            if case .error = c.expected { return result(true) }
            return result(false, "could not build the metric: \(error)")
        }
        for (i, batch) in c.batches.enumerated() {
            let before = metric.state
            let countBefore = metric.updateCount
            do { try metric.update(batch) } catch {
                if case .error = c.expected {
                    let unchanged = zip(before.values, metric.state.values).allSatisfy { $0.isIdentical(to: $1) } && metric.updateCount == countBefore
                    return unchanged ? result(true) : result(false, "batch \(i) was rejected but the state changed")
                }
                return result(false, "batch \(i) rejected: \(error)")
            }
        }
        let value: MetricValue
        do { value = try metric.compute() } catch {
            if case .error = c.expected { return result(true) }
            return result(false, "compute failed: \(error)")
        }
        if case .error(let msg) = c.expected { return result(false, "expected an error (\(msg)), got \(value.summary)") }
        if let problem = compare(value, c.expected, atol: c.atol, rtol: c.rtol) { return result(false, problem) }
        return result(true)
    }

    /// Why `actual` does not match `expected` within `|a - e| <= atol + rtol·|e|`
    /// element by element (NaN matches only NaN, infinities match exactly),
    /// or nil when it matches. Shapes must be equal.
    public static func compare(_ actual: MetricValue, _ expected: FixtureCase.Expected, atol: Double, rtol: Double, path: String = "value") -> String? {
        switch (actual, expected) {
        case (.tensor(let a), .tensor(let e)):
            guard a.shape == e.shape else { return "\(path): shape \(a.shape), expected \(e.shape)" }
            for i in 0..<e.count {
                let x = a.element(at: i), y = e.element(at: i)
                if y.isNaN { if !x.isNaN { return "\(path)[\(i)]: \(x), expected nan" }; continue }
                if y.isInfinite { if x != y { return "\(path)[\(i)]: \(x), expected \(y)" }; continue }
                if !(Swift.abs(x - y) <= atol + rtol * Swift.abs(y)) {
                    return "\(path)[\(i)]: \(x), expected \(y) (atol \(atol), rtol \(rtol))"
                }
            }
            return nil
        case (.list(let a), .list(let e)):
            guard a.count == e.count else { return "\(path): \(a.count) items, expected \(e.count)" }
            for (i, (x, y)) in zip(a, e).enumerated() {
                if let p = compare(x, y, atol: atol, rtol: rtol, path: "\(path)[\(i)]") { return p }
            }
            return nil
        case (.dict(let a), .dict(let e)):
            for (k, y) in e {
                guard let x = a[k] else { return "\(path): missing key '\(k)'" }
                if let p = compare(x, y, atol: atol, rtol: rtol, path: "\(path).\(k)") { return p }
            }
            return nil
        default:
            return "\(path): got \(actual.summary), expected a value of another kind"
        }
    }
}
