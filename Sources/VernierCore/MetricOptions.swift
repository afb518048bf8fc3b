public import OrderedCollections
import Foundation

/// One option value, as it comes from a SPEC string, JSON, Lua or Swift.
public indirect enum OptionValue: Sendable, Equatable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([OptionValue])

    /// Canonical text: `None`, `true`, `3`, `0.5`, `macro`, `[0.1,0.5]`.
    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isNaN ? "nan" : (d.isInfinite ? (d > 0 ? "inf" : "-inf") : String(d))
        case .string(let s): return s
        case .list(let l): return "[" + l.map(\.description).joined(separator: ",") + "]"
        }
    }

    /// The number, for int and double values.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Parses the value part of a SPEC (`10`, `0.5`, `macro`, `true`, `None`, `[0.1,0.5]`).
    public init(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("[") && t.hasSuffix("]") {
            let inner = t.dropFirst().dropLast()
            self = .list(inner.isEmpty ? [] : OptionValue.splitTopLevel(String(inner)).map { OptionValue(parsing: $0) })
            return
        }
        switch t.lowercased() {
        case "none", "null", "nil": self = .none
        case "true": self = .bool(true)
        case "false": self = .bool(false)
        default:
            if let i = Int(t) { self = .int(i) }
            else if let d = Double(t) { self = .double(d) }
            else { self = .string(t.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))) }
        }
    }

    /// Splits on commas that are not inside brackets.
    public static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = [], depth = 0, cur = ""
        for ch in s {
            if ch == "[" { depth += 1 } else if ch == "]" { depth -= 1 }
            if ch == "," && depth == 0 { parts.append(cur); cur = "" } else { cur.append(ch) }
        }
        parts.append(cur)
        return parts
    }
}

/// The kind of value an option accepts.
public indirect enum OptionKind: Sendable, CustomStringConvertible {
    case bool
    case int(min: Int? = nil, max: Int? = nil)
    case double(min: Double? = nil, max: Double? = nil)
    case choice([String])
    case string
    /// A list of numbers.
    case doubleList
    /// A list of integers.
    case intList
    /// `None` or the wrapped kind.
    case optional(OptionKind)
    /// The first kind that accepts the value.
    case oneOf([OptionKind])
    /// Anything (checked by the metric itself).
    case any

    public var description: String {
        switch self {
        case .bool: return "a bool"
        case let .int(lo, hi):
            if let lo, let hi { return "an integer in [\(lo), \(hi)]" }
            if let lo { return "an integer >= \(lo)" }
            return "an integer"
        case let .double(lo, hi):
            if let lo, let hi { return "a number in [\(lo), \(hi)]" }
            if let lo { return "a number >= \(lo)" }
            return "a number"
        case .choice(let c): return "one of " + c.map { "'\($0)'" }.joined(separator: ", ")
        case .string: return "a string"
        case .doubleList: return "a list of numbers"
        case .intList: return "a list of integers"
        case .optional(let k): return "None or \(k)"
        case .oneOf(let ks): return ks.map(\.description).joined(separator: " or ")
        case .any: return "a value"
        }
    }

    /// The value converted to this kind, or nil when it does not fit
    /// (an integral double is accepted as an int; an int as a double).
    public func accept(_ v: OptionValue) -> OptionValue? {
        switch (self, v) {
        case (.any, _): return v
        case (.bool, .bool): return v
        case (.bool, .int(let i)) where i == 0 || i == 1: return .bool(i == 1)
        case let (.int(lo, hi), .int(i)):
            if let lo, i < lo { return nil }
            if let hi, i > hi { return nil }
            return v
        case let (.int, .double(d)) where d.rounded() == d && d.isFinite: return accept(.int(Int(d)))
        case let (.double(lo, hi), _):
            guard let d = v.number else { return nil }
            if let lo, d < lo { return nil }
            if let hi, d > hi { return nil }
            return .double(d)
        case let (.choice(c), .string(s)): return c.contains(s) ? v : nil
        case let (.choice(c), .none): return c.contains("None") || c.contains("none") ? OptionValue.none : nil
        case (.string, .string): return v
        case let (.doubleList, .list(items)):
            let ds = items.compactMap(\.number)
            return ds.count == items.count ? .list(ds.map { .double($0) }) : nil
        case let (.intList, .list(items)):
            let accepted = items.compactMap { OptionKind.int().accept($0) }
            return accepted.count == items.count ? .list(accepted) : nil
        case (.optional, .none): return OptionValue.none
        case let (.optional(k), _): return k.accept(v)
        case let (.oneOf(ks), _):
            for k in ks { if let a = k.accept(v) { return a } }
            return nil
        default: return nil
        }
    }
}

/// The declaration of one option: TorchMetrics' name, kind and default.
public struct OptionSpec: Sendable {
    public let name: String
    public let kind: OptionKind
    public let defaultValue: OptionValue
    public let help: String

    public init(_ name: String, _ kind: OptionKind, default defaultValue: OptionValue, help: String = "") {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// The resolved options of a metric instance: every declared option, in
/// declaration order, with the caller's values or the defaults.
public struct MetricOptions: Sendable, Equatable, CustomStringConvertible {
    public private(set) var values: OrderedDictionary<String, OptionValue>

    public init(_ values: OrderedDictionary<String, OptionValue> = [:]) { self.values = values }

    /// Resolves `given` against the declarations: unknown options, values of
    /// the wrong kind and missing required options (declared with default
    /// `.none` and a non-optional kind) are errors that list what is accepted.
    public static func resolve(_ given: [String: OptionValue], specs: [OptionSpec], metric: String) throws -> MetricOptions {
        let known = Set(specs.map(\.name))
        for key in given.keys.sorted() where !known.contains(key) {
            let accepted = specs.isEmpty ? "no options" : specs.map(\.name).joined(separator: ", ")
            throw MetricError.invalidOption(metric: metric, option: key, expected: "a known option (accepted: \(accepted))")
        }
        var out = OrderedDictionary<String, OptionValue>()
        for spec in specs {
            let raw = given[spec.name] ?? spec.defaultValue
            guard let v = spec.kind.accept(raw) else {
                if given[spec.name] == nil {
                    throw MetricError.invalidOption(metric: metric, option: spec.name, expected: "\(spec.kind) (required)")
                }
                throw MetricError.invalidOption(metric: metric, option: spec.name, expected: "\(spec.kind), got \(raw)")
            }
            out[spec.name] = v
        }
        return MetricOptions(out)
    }

    public subscript(name: String) -> OptionValue? { values[name] }

    /// Sets an option (used by Swift initialisers before resolving).
    public mutating func set(_ name: String, _ value: OptionValue) { values[name] = value }

    public func int(_ name: String) -> Int? { if case .int(let i) = values[name] { return i }; return nil }
    public func double(_ name: String) -> Double? { values[name]?.number }
    public func bool(_ name: String) -> Bool? { if case .bool(let b) = values[name] { return b }; return nil }
    public func string(_ name: String) -> String? { if case .string(let s) = values[name] { return s }; return nil }
    public func doubles(_ name: String) -> [Double]? {
        if case .list(let l) = values[name] { return l.compactMap(\.number) }
        return nil
    }
    public func isNone(_ name: String) -> Bool { values[name] == OptionValue.none }

    /// Canonical text `key=value,key=value` in declaration order (checkpoint identity).
    public var description: String { values.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }

    /// The options as a plain dictionary (for Swift callers building another instance).
    public var dictionary: [String: OptionValue] { Dictionary(uniqueKeysWithValues: values.map { ($0.key, $0.value) }) }
}
