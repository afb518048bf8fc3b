import Foundation
import Testing
import VernierCore
import VernierMetrics
import VernierTensor
@testable import VernierLua

/// A plugin with `uses`: binary precision and recall from the registry, plus
/// its own state (`n`, the number of samples) fed by its own update.
private let gapSource = """
return metric.define {
  name = "gap",
  inputs = { "preds", "target" },
  uses = {
    prec = metric.builtin("binary_precision", { threshold = 0.5 }),
    rec = metric.builtin("binary_recall"),
  },
  states = function(opt) return { { "n", tensor.zeros({}, "int64"), "sum" } } end,
  update = function(s, opt, preds, target)
    metric.check(preds:numel() < 100, "preds", "fewer than 100 samples")
    s.n = s.n + preds:numel()
  end,
  compute = function(s, opt, used)
    return { gap = used.prec - used.rec, n = s.n, prec = used.prec }
  end,
}
"""

/// Batch 1: predicted positives are samples 0 and 3 -> tp 1, fp 1, fn 2.
private let preds1 = Tensor([0.9, 0.3, 0.2, 0.6] as [Float]), target1 = Tensor([1, 1, 1, 0] as [Int64])
/// Batch 2: tp 2, fp 0, fn 0, tn 1. Totals: tp 3, fp 1, fn 2.
private let preds2 = Tensor([0.8, 0.7, 0.1] as [Float]), target2 = Tensor([1, 1, 0] as [Int64])

private func gapScript(_ source: String = gapSource, name: String = "gap.lua", registry: MetricRegistry? = MetricRegistry.builtins()) throws -> LuaScript {
    try LuaScript.load(source: source, chunkName: name, limits: testLimits, log: LogCollector().handler, registry: registry)
}

/// `d[key]` as a number.
private func entry(_ v: MetricValue, _ key: String) -> Double? {
    guard case .dict(let d) = v else { return nil }
    return d[key]?.doubleValue
}

/// Whether `a` is within 1e-6 of `b` (false for nil).
private func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-6 } ?? false }

@Suite("Lua metrics built on registered metrics (uses)")
struct ComposeTests {
    @Test func composesBuiltinsOverSeveralBatches() throws {
        let m = try gapScript().makeMetric()
        try m.update(preds: preds1, target: target1)
        // Batch 1 alone: precision 1/2, recall 1/3.
        #expect(close(entry(try m.compute(), "gap"), (1.0 / 2 - 1.0 / 3)))
        try m.update(preds: preds2, target: target2)
        // precision 3/4, recall 3/5.
        let v = try m.compute()
        #expect(close(entry(v, "gap"), 0.15))
        #expect(close(entry(v, "prec"), 0.75))
        #expect(entry(v, "n") == 7)
        // Precision and recall declare the same state identity: one shared group.
        let names = m.state.specs.map(\.name)
        #expect(names.first == "n")
        #expect(names.contains { $0.hasPrefix("uses/g0/") })
        #expect(!names.contains { $0.hasPrefix("uses/g1/") })
        #expect(m.inputNames == ["preds", "target"])
    }

    @Test func rejectedBatchLeavesMembersAndOwnStatesUnchanged() throws {
        let m = try gapScript().makeMetric()
        try m.update(preds: preds1, target: target1)
        let before = m.state.values
        // The members accept this batch; the script's own check rejects it afterwards.
        let big = Tensor([Float](repeating: 0.9, count: 100)), ones = Tensor([Int64](repeating: 1, count: 100))
        #expect(throws: MetricError.self) { try m.update(preds: big, target: ones) }
        #expect(zip(before, m.state.values).allSatisfy { $0.isIdentical(to: $1) })
        // A member rejecting a batch (target 2 is not binary) also changes nothing.
        #expect(throws: (any Error).self) { try m.update(preds: preds1, target: Tensor([1, 2, 0, 0] as [Int64])) }
        #expect(zip(before, m.state.values).allSatisfy { $0.isIdentical(to: $1) })
        #expect(m.updateCount == 1)
    }

    @Test func mergeAndCheckpointRoundTrip() throws {
        let script = try gapScript()
        let a = try script.makeMetric(), b = try script.makeMetric()
        try a.update(preds: preds1, target: target1)
        try b.update(preds: preds2, target: target2)
        try a.merge(b)
        #expect(close(entry(try a.compute(), "gap"), 0.15))
        #expect(entry(try a.compute(), "n") == 7)

        let restored = try script.makeMetric()
        try Checkpoint.decode(Checkpoint.encode(a), into: restored)
        #expect(close(entry(try restored.compute(), "gap"), 0.15))
        #expect(entry(try restored.compute(), "n") == 7)
    }

    @Test func withoutOwnStatesOrUpdate() throws {
        let source = """
        return metric.define {
          name = "f1_again",
          uses = { p = metric.builtin("binary_precision"), r = metric.builtin("binary_recall") },
          compute = function(s, opt, used) return 2 * used.p * used.r / (used.p + used.r) end,
        }
        """
        let m = try gapScript(source, name: "f1.lua").makeMetric()
        try m.update(preds: preds1, target: target1)
        try m.update(preds: preds2, target: target2)
        // 2 * (3/4) * (3/5) / (3/4 + 3/5) = 2/3.
        #expect(close(scalar(try m.compute()), 2.0 / 3))
        #expect(m.state.specs.allSatisfy { $0.name.hasPrefix("uses/") })
    }

    @Test func unknownNamesAndOptionsNameTheLine() throws {
        let unknown = """
        return metric.define {
          name = "bad",
          uses = {
            p = metric.builtin("binary_precison"),
          },
          compute = function(s, opt, used) return used.p end,
        }
        """
        let e1 = #expect(throws: LuaError.self) { try gapScript(unknown, name: "bad.lua") }
        #expect(e1.map(text)?.contains("bad.lua:4: metric.builtin(\"binary_precison\"): unknown metric 'binary_precison'") == true)

        let badOption = unknown.replacingOccurrences(of: "binary_precison\")", with: "binary_precision\", { treshold = 0.5 })")
        let e2 = #expect(throws: LuaError.self) { try gapScript(badOption, name: "bad.lua") }
        #expect(e2.map(text)?.contains("bad.lua:4: metric.builtin(\"binary_precision\")") == true)
        #expect(e2.map(text)?.contains("treshold") == true)

        let e3 = #expect(throws: LuaError.self) { try gapScript(badOption.replacingOccurrences(of: "treshold", with: "threshold"), name: "bad.lua", registry: nil) }
        #expect(e3.map(text)?.contains("no registry") == true)

        let notBuiltin = unknown.replacingOccurrences(of: "metric.builtin(\"binary_precison\")", with: "{ \"binary_precision\" }")
        let e4 = #expect(throws: LuaError.self) { try gapScript(notBuiltin, name: "bad.lua") }
        #expect(e4.map(text)?.contains("uses.p must be made by metric.builtin") == true)
    }

    @Test func memberInputsMustBeDeclared() throws {
        let source = """
        return metric.define {
          name = "half",
          inputs = { "preds" },
          uses = { p = metric.builtin("binary_precision") },
          compute = function(s, opt, used) return used.p end,
        }
        """
        let e = #expect(throws: LuaError.self) { try gapScript(source, name: "half.lua") }
        #expect(e.map(text)?.contains("needs the input 'target'") == true)
    }

    @Test func cyclesAreRefused() throws {
        let registry = MetricRegistry.builtins()
        // The scripts below hold `registry` and are registered in it: remove
        // them at the end so the reference cycle is broken (the sanitizer run checks for leaks).
        defer { ["ping", "pong"].forEach(registry.remove) }
        func script(_ name: String, uses: String?) -> String {
            """
            return metric.define {
              name = "\(name)",
              \(uses.map { "uses = { other = metric.builtin(\"\($0)\") }," } ?? "")
              states = function(opt) return { { "k", tensor.zeros({}), "sum" } } end,
              update = function(s, opt, preds, target) end,
              compute = function(s, opt, used) return s.k end,
            }
            """
        }
        let selfUse = #expect(throws: LuaError.self) { try gapScript(script("ping", uses: "ping"), name: "ping.lua", registry: registry) }
        #expect(selfUse.map(text)?.contains("a metric cannot use itself") == true)

        try registry.register(gapScript(script("ping", uses: nil), name: "ping.lua", registry: registry).descriptor)
        try registry.register(gapScript(script("pong", uses: "ping"), name: "pong.lua", registry: registry).descriptor)
        // A new ping using pong, which uses ping: refused at load.
        let cycle = #expect(throws: LuaError.self) { try gapScript(script("ping", uses: "pong"), name: "ping.lua", registry: registry) }
        #expect(cycle.map(text)?.contains("a cycle: ping uses pong uses ping") == true)
    }

    @Test func pluginHostResolvesBuiltinsAndOtherPlugins() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try gapSource.write(to: dir.appendingPathComponent("gap.lua"), atomically: true, encoding: .utf8)
        // Sorted before gap.lua, so it loads first and waits for gap.
        try """
        return metric.define {
          name = "a_double_gap",
          uses = { g = metric.builtin("gap") },
          compute = function(s, opt, used) return 2 * used.g.gap end,
        }
        """.write(to: dir.appendingPathComponent("a_double_gap.lua"), atomically: true, encoding: .utf8)
        let registry = MetricRegistry.builtins()
        let host = PluginHost(directories: [dir], registry: registry, limits: testLimits, log: LogCollector().handler)
        let report = host.load()
        #expect(report.isClean, "\(report)")
        #expect(report.added.map(\.name) == ["a_double_gap", "gap"])

        let m = try registry.make("a_double_gap")
        try m.update(preds: preds1, target: target1)
        try m.update(preds: preds2, target: target2)
        #expect(close(scalar(try m.compute()), 0.3))
    }

    @Test func pluginHostReportsMutualUse() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, other) in [("left", "right"), ("right", "left")] {
            try """
            return metric.define {
              name = "\(name)",
              uses = { o = metric.builtin("\(other)") },
              compute = function(s, opt, used) return used.o end,
            }
            """.write(to: dir.appendingPathComponent("\(name).lua"), atomically: true, encoding: .utf8)
        }
        let registry = MetricRegistry.builtins()
        let report = PluginHost(directories: [dir], registry: registry, limits: testLimits, log: LogCollector().handler).load()
        #expect(report.added.isEmpty)
        #expect(report.failures.count == 2)
        #expect(report.failures.allSatisfy { $0.message.contains("metric.builtin(") })
        #expect(!registry.contains("left") && !registry.contains("right"))
    }

    @Test func exampleLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Plugins/examples/precision_recall_gap.lua").path
        let m = try LuaScript.load(path: path, registry: MetricRegistry.builtins()).makeMetric()
        try m.update(preds: preds1, target: target1)
        try m.update(preds: preds2, target: target2)
        #expect(close(scalar(try m.compute()), 0.15))
    }
}
