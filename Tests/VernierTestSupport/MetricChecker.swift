import Foundation
import Vernier

/// Runs any metric through the properties every metric must have, so each
/// new metric is checked the same way:
/// - one instance fed batch by batch equals one instance fed everything at once;
/// - `forward` returns each batch's own value and accumulates like `update`;
/// - instances fed disjoint parts and merged equal one instance fed everything;
/// - a checkpoint round trip restores identical states and value;
/// - the batches spread over 1–4 in-process ranks and synced give the same value;
/// - a rejected batch leaves the states exactly as they were.
///
/// Each check returns the problems it found (empty when it passed).
public struct MetricChecker {
    public let make: @Sendable () throws -> any Metric
    public let atol: Double
    public let rtol: Double

    public init(atol: Double = 1e-5, rtol: Double = 1e-4, make: @escaping @Sendable () throws -> any Metric) {
        self.make = make
        self.atol = atol
        self.rtol = rtol
    }

    func value(_ batches: [MetricInputs]) throws -> MetricValue {
        let m = try make()
        for b in batches { try m.update(b) }
        return try m.compute()
    }

    func same(_ a: MetricValue, _ b: MetricValue, _ what: String) -> [String] {
        Fixtures.compare(a, CrossCheck.expectation(b), atol: atol, rtol: rtol).map { ["\(what): \($0)"] } ?? []
    }

    /// All batches joined along the first axis into one batch.
    public static func joined(_ batches: [MetricInputs]) throws -> MetricInputs {
        guard let first = batches.first else { return MetricInputs() }
        var out = MetricInputs()
        for key in first.values.keys {
            let parts = batches.compactMap { $0[key] }
            switch parts[0] {
            case .tensor(let t) where t.rank == 0:
                out[key] = .tensor(try Tensor.concatenate(parts.compactMap { if case .tensor(let x) = $0 { return try? x.reshaped([1]) }; return nil }))
            case .tensor:
                out[key] = .tensor(try Tensor.concatenate(parts.compactMap { if case .tensor(let x) = $0 { return x }; return nil }))
            case .strings:
                out[key] = .strings(parts.flatMap { if case .strings(let s) = $0 { return s }; return [] })
            case .stringLists:
                out[key] = .stringLists(parts.flatMap { if case .stringLists(let s) = $0 { return s }; return [] })
            }
        }
        return out
    }

    /// Batch by batch equals all at once (skipped for metrics that are not batch invariant,
    /// and for scalar inputs, which cannot be joined without changing their meaning).
    public func checkBatching(_ batches: [MetricInputs]) throws -> [String] {
        guard try make().isBatchInvariant, batches.count > 1 else { return [] }
        let scalarInput = batches.contains { $0.values.values.contains { if case .tensor(let t) = $0 { return t.rank == 0 }; return false } }
        if scalarInput { return [] }
        return same(try value(batches), try value([Self.joined(batches)]), "batched vs joined")
    }

    /// `forward` gives each batch's own value and leaves the same accumulated value as `update`.
    public func checkForward(_ batches: [MetricInputs]) throws -> [String] {
        let m = try make()
        var problems: [String] = []
        for (i, b) in batches.enumerated() {
            let v = try m.forward(b)
            problems += same(v, try value([b]), "forward value of batch \(i)")
        }
        problems += same(try m.compute(), try value(batches), "accumulated after forward")
        if m.updateCount != batches.count { problems.append("forward: update count \(m.updateCount), expected \(batches.count)") }
        return problems
    }

    /// Instances fed consecutive runs of batches (as ranks would be) and
    /// merged in order equal one instance fed all.
    public func checkMerge(_ batches: [MetricInputs]) throws -> [String] {
        guard try make().isBatchInvariant, batches.count > 1 else { return [] }
        let instances = try (0..<3).map { _ in try make() }
        for (i, batch) in batches.enumerated() { try instances[i * instances.count / batches.count].update(batch) }
        let parts = instances.filter { $0.updateCount > 0 }
        try parts[0].merge(Array(parts.dropFirst()))
        var problems = same(try parts[0].compute(), try value(batches), "merged")
        if parts[0].updateCount != batches.count { problems.append("merge: update count \(parts[0].updateCount), expected \(batches.count)") }
        return problems
    }

    /// The batches spread over 1, 2, 3 and 4 in-process ranks (consecutive
    /// runs of batches; ranks beyond the batch count get none), synced, and
    /// computed on every rank: equal to one instance fed everything.
    public func checkSync(_ batches: [MetricInputs], ranks: [Int] = [1, 2, 3, 4]) throws -> [String] {
        guard try make().isBatchInvariant else { return [] }
        let expected = try value(batches)
        var problems: [String] = []
        for k in ranks {
            let make = self.make
            let results = InProcessBackend.run(worldSize: k) { backend -> MetricValue in
                let m = try make()
                let share = (backend.rank * batches.count / k)..<((backend.rank + 1) * batches.count / k)
                for b in batches[share] { try m.update(b) }
                return try m.syncedCompute(over: backend, deadline: .seconds(30))
            }
            for (r, result) in results.enumerated() {
                switch result {
                case .success(let v): problems += same(v, expected, "sync over \(k) ranks, rank \(r)")
                case .failure(let e): problems.append("sync over \(k) ranks, rank \(r): \(e)")
                }
            }
        }
        return problems
    }

    /// Save, load into a fresh instance: identical states, update count and value.
    public func checkCheckpoint(_ batches: [MetricInputs]) throws -> [String] {
        let m = try make()
        for b in batches { try m.update(b) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-check-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try m.save(to: url)
        let r = try make()
        try r.load(from: url)
        var problems: [String] = []
        let original = m.state.values, restored = r.state.values
        if !zip(original, restored).allSatisfy({ $0.isIdentical(to: $1) }) { problems.append("checkpoint: states differ after load") }
        if m.updateCount != r.updateCount { problems.append("checkpoint: update count \(r.updateCount), expected \(m.updateCount)") }
        problems += same(try r.compute(), try m.compute(), "checkpoint value")
        return problems
    }

    /// Each bad batch is rejected after `good` batches, leaving the state and count unchanged.
    public func checkRejects(_ bad: [MetricInputs], after good: [MetricInputs]) throws -> [String] {
        let m = try make()
        for b in good { try m.update(b) }
        var problems: [String] = []
        for (i, b) in bad.enumerated() {
            let before = m.state, count = m.updateCount
            do {
                try m.update(b)
                problems.append("bad batch \(i) was accepted")
            } catch {
                let unchanged = zip(before.values, m.state.values).allSatisfy { $0.isIdentical(to: $1) }
                if !unchanged || m.updateCount != count { problems.append("bad batch \(i) changed the state") }
                if "\(error)".isEmpty { problems.append("bad batch \(i): empty error message") }
            }
        }
        return problems
    }

    /// Every property above for `batches`.
    public func checkAll(_ batches: [MetricInputs], bad: [MetricInputs] = []) throws -> [String] {
        try checkBatching(batches) + checkForward(batches) + checkMerge(batches) + checkCheckpoint(batches)
            + checkSync(batches) + checkRejects(bad, after: batches)
    }
}

/// Where the shared fixtures are: `VERNIER_FIXTURES`, or `../shared/fixtures`
/// beside the repository.
public enum SharedPaths {
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var fixtures: URL {
        if let p = ProcessInfo.processInfo.environment["VERNIER_FIXTURES"] { return URL(fileURLWithPath: p) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }
}
