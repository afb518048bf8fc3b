import Foundation

/// Runs two implementations of the same metrics (native and Lua reference)
/// on the same generated inputs and reports where they disagree.
///
/// Inputs are generated from fixture cases used as templates: the same
/// options, batch count, shapes and dtypes, with fresh values drawn in the
/// template's value range. Each template is tried in several variants:
/// `random`; `ties` (floats rounded to one decimal, so scores tie);
/// `absent` (integers drawn from the lower half of their range, so some
/// classes never occur); `oneclass` (every integer equal to the smallest);
/// `single` (one row per batch); and `nan` (a tenth of the floats NaN) where
/// the template itself holds NaN. Every variant is fed batch by batch to one
/// instance, and also split over two instances that are then merged.
/// Both implementations must reject the same inputs, or agree on the value
/// within the tolerance.
public enum CrossCheck {
    /// One compared run.
    public struct Outcome: Sendable {
        public let metric: String
        public let template: String
        public let variant: String
        public let passed: Bool
        /// The disagreement, when there is one.
        public let detail: String
    }

    /// The variants tried for a template.
    static func variants(_ c: FixtureCase) -> [String] {
        let hasNaN = c.batches.contains { $0.values.values.contains { if case .tensor(let t) = $0 { return t.containsNaN() }; return false } }
        return ["random", "ties", "absent", "oneclass", "single"] + (hasNaN ? ["nan"] : [])
    }

    /// Checks every template (error cases excluded) with `seeds` seeds.
    public static func run(
        templates: [FixtureCase], seeds: Int, native: MetricRegistry, reference: MetricRegistry,
        atol: Double = 1e-5, rtol: Double = 1e-4
    ) -> [Outcome] {
        var out: [Outcome] = []
        for c in templates {
            if case .error = c.expected { continue }
            for variant in variants(c) {
                for seed in 0..<max(1, seeds) {
                    var rng = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9 &+ stableHash(c.id))
                    let batches = c.batches.map { generate($0, variant: variant, rng: &rng) }
                    let label = "\(variant)#\(seed)"
                    let problem = compare(c, batches, native: native, reference: reference,
                                          atol: max(atol, c.atol), rtol: max(rtol, c.rtol))
                    out.append(Outcome(metric: c.metric, template: c.id, variant: label, passed: problem == nil, detail: problem ?? ""))
                }
            }
        }
        return out
    }

    /// Why the two implementations disagree on `batches`, or nil.
    static func compare(_ c: FixtureCase, _ batches: [MetricInputs], native: MetricRegistry, reference: MetricRegistry,
                        atol: Double, rtol: Double) -> String? {
        func evaluate(_ reg: MetricRegistry, split: Bool) -> Result<MetricValue, Error> {
            Result {
                let a = try reg.make(c.metric, c.args)
                if split && batches.count > 1 {
                    let b = try reg.make(c.metric, c.args)
                    for (i, x) in batches.enumerated() { try (i < batches.count / 2 ? a : b).update(x) }
                    try a.merge(b)
                } else {
                    for x in batches { try a.update(x) }
                }
                return try a.compute()
            }
        }
        for split in [false, true] {
            let n = evaluate(native, split: split), l = evaluate(reference, split: split)
            let how = split ? "split and merged" : "one instance"
            switch (n, l) {
            case (.failure, .failure): continue
            case (.success(let v), .failure(let e)): return "\(how): native gave \(v.summary), Lua raised: \(e)"
            case (.failure(let e), .success(let v)): return "\(how): Lua gave \(v.summary), native raised: \(e)"
            case (.success(let a), .success(let b)):
                if let p = Fixtures.compare(b, expectation(a), atol: atol, rtol: rtol) { return "\(how): Lua vs native: \(p)" }
            }
        }
        return nil
    }

    /// A computed value as an expectation for ``Fixtures/compare(_:_:atol:rtol:path:)``.
    public static func expectation(_ v: MetricValue) -> FixtureCase.Expected {
        switch v {
        case .tensor(let t): return .tensor(t)
        case .list(let l): return .list(l.map(expectation))
        case .dict(let d): return .dict(Dictionary(uniqueKeysWithValues: d.map { ($0.key, expectation($0.value)) }))
        }
    }

    /// Fresh inputs shaped like `template`.
    static func generate(_ template: MetricInputs, variant: String, rng: inout SplitMix64) -> MetricInputs {
        var out = MetricInputs()
        for key in template.values.keys.sorted() {
            guard let v = template[key] else { continue }
            switch v {
            case .tensor(let t):
                var g = tensor(like: t, variant: variant, rng: &rng)
                if variant == "single", g.rank > 0, g.shape[0] > 1 { g = (try? g.slice(axis: 0, start: 0, end: 1)) ?? g }
                out[key] = .tensor(g)
            case .strings(let s):
                out[key] = .strings(variant == "single" ? Array(s.prefix(1)) : s.map { shuffleWords($0, &rng) })
            case .stringLists(let s):
                out[key] = .stringLists(variant == "single" ? Array(s.prefix(1)) : s)
            }
        }
        return out
    }

    /// FNV-1a of the text: the same on every run (Swift's `hashValue` is seeded per process).
    static func stableHash(_ s: String) -> UInt64 {
        s.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    static func shuffleWords(_ s: String, _ rng: inout SplitMix64) -> String {
        var words = s.split(separator: " ").map(String.init)
        if words.count > 1 && rng.nextUnit() < 0.5 { words.swapAt(0, Int(rng.next() % UInt64(words.count))) }
        return words.joined(separator: " ")
    }

    static func tensor(like t: Tensor, variant: String, rng: inout SplitMix64) -> Tensor {
        let n = t.count
        if t.dtype == .bool {
            return Tensor((0..<n).map { _ in variant == "oneclass" ? false : rng.nextUnit() < 0.5 }, shape: t.shape)
        }
        let range = t.valueRange()
        var lo = range.min.isFinite ? range.min : 0, hi = range.max.isFinite ? range.max : 1
        if t.dtype.isFloatingPoint {
            if lo == hi { lo -= 1; hi += 1 }
            var v = (0..<n).map { _ in lo + (hi - lo) * rng.nextUnit() }
            if variant == "ties" { v = v.map { ($0 * 10).rounded() / 10 } }
            if variant == "nan" { v = v.map { rng.nextUnit() < 0.1 ? .nan : $0 } }
            return Tensor(v, shape: t.shape).cast(t.dtype)
        }
        var top = Int64(hi)
        let bottom = Int64(lo)
        if variant == "absent" { top = bottom + (top - bottom) / 2 }
        if variant == "oneclass" { top = bottom }
        let span = UInt64(top - bottom + 1)
        return Tensor((0..<n).map { _ in bottom + Int64(rng.next() % span) }, shape: t.shape).cast(t.dtype)
    }
}
