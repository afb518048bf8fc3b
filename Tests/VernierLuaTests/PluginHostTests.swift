import Foundation
import Synchronization
import Testing
import VernierCore
import VernierTensor
@testable import VernierLua

/// A plugin computing `factor * sum(preds)` under registry name `name`.
func sumPlugin(_ name: String, factor: Double = 1) -> String {
    """
    return metric.define {
      name = "\(name)", inputs = { "preds" },
      states = { { "total", tensor.zeros({}, "float64"), "sum" } },
      update = function(s, opt, preds) s.total = s.total + preds:double():sum() * \(factor) end,
      compute = function(s, opt) return s.total end,
    }
    """
}

func write(_ text: String, _ dir: URL, _ name: String) throws {
    let url = dir.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

/// Builds `name` from the registry and returns its value for preds = [1, 2].
func valueOf(_ name: String, _ registry: MetricRegistry) throws -> Double? {
    let m = try registry.make(name)
    try m.update(["preds": Tensor([1, 2] as [Float])])
    return try m.compute().doubleValue
}

@Suite struct PluginHostTests {
    @Test func loadsDirectoryWithBadFileAndCollisions() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(sumPlugin("alpha"), dir, "a.lua")
        try write(sumPlugin("beta", factor: 2), dir, "nested/deeper/b.lua")
        try write("return metric.define {\n  name = 'broken',\n  update = ,\n}", dir, "broken.lua")
        try write(sumPlugin("alpha", factor: 10), dir, "z_duplicate.lua")
        try write(sumPlugin("builtin_taken"), dir, "c.lua")
        try write("not lua at all", dir, "notes.txt")
        let registry = MetricRegistry()
        try registry.register(MetricDescriptor(name: "builtin_taken", domain: .aggregation, summary: "", factory: { _ in
            try LuaScript.load(source: sumPlugin("builtin_taken"), chunkName: "x.lua").makeMetric()
        }))
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        let report = host.load()
        #expect(report.added.map(\.name) == ["alpha", "beta"])
        #expect(host.plugins.map(\.name) == ["alpha", "beta"])
        #expect(try valueOf("alpha", registry) == 3)
        #expect(try valueOf("beta", registry) == 6)
        let failures = Dictionary(uniqueKeysWithValues: report.failures.map { (URL(fileURLWithPath: $0.file).lastPathComponent, $0.message) })
        #expect(failures.count == 3)
        // the syntax error names the file and line
        #expect(failures["broken.lua"]?.contains("broken.lua:3:") == true)
        // collisions name both sources
        #expect(failures["z_duplicate.lua"]?.contains("'alpha' is also defined by \(dir.standardizedFileURL.path)/a.lua") == true)
        #expect(failures["c.lua"]?.contains("'builtin_taken' is already taken by builtin") == true)
        #expect(try registry.descriptor("builtin_taken").source == "builtin")
    }

    @Test func hotReloadAddChangeRemoveAndBrokenChange() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(sumPlugin("alpha"), dir, "a.lua")
        let registry = MetricRegistry()
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        #expect(host.load().added.map(\.name) == ["alpha"])
        #expect(!host.reload().hasChanges)

        // add
        try write(sumPlugin("gamma", factor: 3), dir, "g.lua")
        let added = host.reload()
        #expect(added.added.map(\.name) == ["gamma"])
        #expect(added.unchanged.map(\.name) == ["alpha"])
        #expect(try valueOf("gamma", registry) == 9)

        // change
        try write(sumPlugin("alpha", factor: 5), dir, "a.lua")
        #expect(host.reload().updated.map(\.name) == ["alpha"])
        #expect(try valueOf("alpha", registry) == 15)

        // broken change: the last good version stays in service
        try write(sumPlugin("alpha", factor: 7) + "\n)", dir, "a.lua")
        let broken = host.reload()
        #expect(broken.failures.count == 1)
        #expect(broken.failures.first?.message.contains("last good version stays in service") == true)
        #expect(broken.removed.isEmpty)
        #expect(try valueOf("alpha", registry) == 15)

        // fixed again
        try write(sumPlugin("alpha", factor: 2), dir, "a.lua")
        let fixed = host.reload()
        #expect(fixed.isClean)
        #expect(fixed.updated.map(\.name) == ["alpha"])
        #expect(try valueOf("alpha", registry) == 6)

        // remove
        try FileManager.default.removeItem(at: dir.appendingPathComponent("g.lua"))
        #expect(host.reload().removed.map(\.name) == ["gamma"])
        #expect(!registry.contains("gamma"))

        // rename the metric inside a file
        try write(sumPlugin("delta"), dir, "a.lua")
        let renamed = host.reload()
        #expect(renamed.removed.map(\.name) == ["alpha"])
        #expect(renamed.added.map(\.name) == ["delta"])
    }

    @Test func collisionWinnerKeepsNameUntilRemoved() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(sumPlugin("same"), dir, "b.lua")
        let registry = MetricRegistry()
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        host.load()
        // a.lua sorts first but b.lua already holds the name
        try write(sumPlugin("same", factor: 4), dir, "a.lua")
        let r = host.reload()
        #expect(r.failures.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["a.lua"])
        #expect(try valueOf("same", registry) == 3)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("b.lua"))
        let moved = host.reload()
        #expect(moved.isClean)
        #expect(moved.updated.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["a.lua"])
        #expect(try valueOf("same", registry) == 12)
    }

    @Test func watcherPicksUpChanges() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = MetricRegistry()
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        host.load()
        let seen = Mutex<[String]>([])
        host.startWatching(every: 0.02) { report in seen.withLock { $0 += report.added.map(\.name) } }
        defer { host.stopWatching() }
        try write(sumPlugin("watched"), dir, "w.lua")
        for _ in 0..<250 where !registry.contains("watched") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(registry.contains("watched"))
        #expect(seen.withLock { $0 } == ["watched"])
    }

    @Test func missingDirectoryIsReported() {
        let host = PluginHost(directories: [URL(fileURLWithPath: "/nonexistent/vernier-plugins")], registry: MetricRegistry())
        let r = host.load()
        #expect(r.failures == [PluginFailure(file: "/nonexistent/vernier-plugins", message: "not a directory")])
    }
}
