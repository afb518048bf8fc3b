public import OrderedCollections
import Foundation
import VernierTensor

/// What `compute` returns: a tensor (a scalar for most metrics), a list
/// (curves: `[fpr, tpr, thresholds]`; per-class curves: a list of those), or
/// named values (e.g. `rouge_score`, a collection's results).
public indirect enum MetricValue: Sendable {
    case tensor(Tensor)
    case list([MetricValue])
    case dict(OrderedDictionary<String, MetricValue>)

    /// A float32 scalar value.
    public static func scalar(_ v: Double, dtype: DType = .float32) -> MetricValue { .tensor(.scalar(v, dtype: dtype)) }

    /// The tensor, when this is a tensor value.
    public var tensor: Tensor? { if case .tensor(let t) = self { return t }; return nil }

    /// The single number, when this is a one-element tensor.
    public var doubleValue: Double? {
        guard case .tensor(let t) = self, t.count == 1 else { return nil }
        return t.item()
    }

    /// The value as JSON-compatible Foundation objects: numbers (a scalar),
    /// nested arrays (tensors), arrays (lists) and objects (dicts); NaN and
    /// infinities as the strings "nan", "inf" and "-inf".
    public var jsonObject: Any {
        switch self {
        case .tensor(let t): return MetricValue.jsonObject(t)
        case .list(let items): return items.map(\.jsonObject)
        case .dict(let d):
            var out: [String: Any] = [:]
            for (k, v) in d { out[k] = v.jsonObject }
            return out
        }
    }

    /// A tensor as nested arrays (see ``jsonObject``).
    public static func jsonObject(_ t: Tensor) -> Any {
        func number(_ i: Int) -> Any {
            if t.dtype.isFloatingPoint {
                let v = t.element(at: i)
                if v.isNaN { return "nan" }
                if v.isInfinite { return v > 0 ? "inf" : "-inf" }
                return v
            }
            if t.dtype == .bool { return t.int64Element(at: i) != 0 }
            return t.int64Element(at: i)
        }
        if t.rank == 0 { return number(0) }
        func build(_ dim: Int, _ offset: Int) -> Any {
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            if dim == t.rank - 1 { return (0..<t.shape[dim]).map { number(offset + $0) } }
            return (0..<t.shape[dim]).map { build(dim + 1, offset + $0 * stride) }
        }
        return build(0, 0)
    }

    /// A compact human-readable form (scalars with up to 6 significant digits).
    public var summary: String {
        switch self {
        case .tensor(let t):
            if t.count == 1 && t.rank <= 1 { return MetricValue.format(t.item(), isFloat: t.dtype.isFloatingPoint) }
            let n = Swift.min(t.count, 10)
            let parts = (0..<n).map { MetricValue.format(t.element(at: $0), isFloat: t.dtype.isFloatingPoint) }
            return "\(t.shape) [\(parts.joined(separator: ", "))\(t.count > n ? ", ..." : "")]"
        case .list(let items): return "[" + items.map(\.summary).joined(separator: "; ") + "]"
        case .dict(let d): return d.map { "\($0.key)=\($0.value.summary)" }.joined(separator: ", ")
        }
    }

    static func format(_ v: Double, isFloat: Bool) -> String {
        if !isFloat { return String(Int64(v)) }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return String(format: "%.6g", v)
    }
}
