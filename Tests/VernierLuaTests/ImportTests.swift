import Foundation
import Testing
import VernierCore
import VernierTensor
@testable import VernierLua

/// A plugin folder in a temporary directory, with `modules` (name → text)
/// written under its `lib/` (`a/b` for `lib/a/b.lua`).
private func pluginFolder(_ modules: [String: String]) throws -> URL {
    let dir = try temporaryDirectory()
    for (name, text) in modules { try write(text, dir, "lib/\(name).lua") }
    return dir
}

/// Loads `source` as `probe.lua` of the plugin folder `dir` (no folder: nil).
private func load(_ source: String, in dir: URL?, limits: LuaLimits = testLimits, log: LogCollector = LogCollector()) throws -> LuaScript {
    try LuaScript.load(source: source, chunkName: "probe.lua", limits: limits, log: log.handler, pluginFolder: dir?.path)
}

/// A metric summing `expr` (a Lua expression of `x`, e.g. `m.f(x)`) over the
/// batches, after `prelude` (top-level code: imports) has run.
private func summing(_ expr: String, prelude: String) -> String {
    """
    \(prelude)
    return metric.define {
      name = "probe", inputs = { "x" },
      states = { { "acc", tensor.zeros({}, "float64"), "sum" } },
      update = function(s, opt, x) s.acc = s.acc + \(expr) end,
      compute = function(s, opt) return s.acc end,
    }
    """
}

/// The error loading `prelude` (then a trivial metric) raises.
private func loadError(_ prelude: String, in dir: URL?, limits: LuaLimits = testLimits) -> Error? {
    do {
        _ = try load(summing("0", prelude: prelude), in: dir, limits: limits)
        return nil
    } catch { return error }
}

/// Checks `error` is a runtime error of probe.lua while it loaded, whose
/// message contains `fragment`.
private func expectLoadError(_ error: Error?, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard case let LuaError.runtime(file, call, message, _)? = error else {
        Issue.record("expected a runtime error, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    #expect(file == "probe.lua" && call == "load", sourceLocation: sourceLocation)
    #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
}

private func expectLoadLimit(_ error: Error?, _ limit: LuaLimit, sourceLocation: SourceLocation = #_sourceLocation) {
    guard case let LuaError.limitExceeded(file, call, l, _)? = error else {
        Issue.record("expected the \(limit) limit, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    #expect(file == "probe.lua" && call == "load" && l == limit, sourceLocation: sourceLocation)
}

private let x123 = ["x": Tensor([1, 2, 3] as [Float])]

@Suite("metric.import: helper modules")
struct ImportTests {
    @Test func importRunsTheModuleOnceAndReturnsTheSameTable() throws {
        let dir = try pluginFolder(["geometry": """
            print("geometry loaded")
            local M = {}
            function M.square(x) return x * x end
            return M
            """])
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = LogCollector()
        let script = try load(summing("g.square(x:double()):sum() + (same and 100 or 0)", prelude: """
            local g = metric.import("geometry")
            local same = rawequal(g, metric.import("geometry"))
            """), in: dir, log: log)
        #expect(script.importedModules == ["geometry"])
        #expect(script.moduleFolder == dir.appendingPathComponent("lib").standardizedFileURL.path)
        #expect(log.all == ["print: geometry loaded"])
        let m = try script.makeMetric()
        // one more state (the instance's), where the module runs once more
        #expect(log.all == ["print: geometry loaded", "print: geometry loaded"])
        try m.update(x123)
        #expect(try m.compute().doubleValue == 1 + 4 + 9 + 100)
    }

    @Test func dottedNamesAreSubfoldersAndModulesImportModules() throws {
        let dir = try pluginFolder([
            "stats/moments": "return { mean = function(x) return x:double():mean() end }",
            "wrapper": "local m = metric.import('stats.moments'); return { moments = m, twice = function(x) return 2 * m.mean(x) end }",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try load(summing("w.twice(x) + (rawequal(w.moments, metric.import('stats.moments')) and 10 or 0)", prelude: """
            local w = metric.import("wrapper")
            """), in: dir)
        #expect(script.importedModules == ["wrapper", "stats.moments"])
        let m = try script.makeMetric()
        try m.update(x123)
        #expect(try m.compute().doubleValue == 2 * 2 + 10)
    }

    @Test func modulesAndScriptsKeepTheirGlobalsApart() throws {
        let dir = try pluginFolder(["counter": """
            counter = 5
            seen = secret
            return { get = function() return counter end, seen = function() return seen end,
                     leak = function() leaked = counter end }
            """])
        defer { try? FileManager.default.removeItem(at: dir) }
        // the script's `counter` and `secret` are not the module's, and the module's `counter` is not the script's
        let script = try load(summing("c.get() * 100 + counter + (c.seen() == nil and 10 or 0)", prelude: """
            secret = 42
            counter = 1
            local c = metric.import("counter")
            """), in: dir)
        let m = try script.makeMetric()
        try m.update(x123)
        #expect(try m.compute().doubleValue == 500 + 1 + 10)
        // after loading, a module's globals are read-only, as a script's
        let leaking = try load(summing("(c.leak() or 0)", prelude: "local c = metric.import('counter')"), in: dir).makeMetric()
        #expect { try leaking.update(x123) } throws: { error in
            guard case let LuaError.runtime(file, call, message, _) = error else { return false }
            return file == "probe.lua" && call == "update" && message.hasPrefix("lib/counter.lua:4: assignment to global 'leaked' after the script was loaded")
        }
    }

    @Test func sharedTablesAreReadOnly() throws {
        let dir = try pluginFolder([
            "m": "return { f = function() return 1 end, data = { 1, 2 } }",
            "strings": "string.len = nil; return {}",
            "raw": "rawset(string, 'len', nil); return {}",
            "metrics": "metric.check = nil; return {}",
            "env": "setmetatable(_ENV, {}); return {}",
            "definer": "return metric.define { name = 'sneaky', states = {}, update = print, compute = print }",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(loadError("local m = metric.import('m'); m.f = nil", in: dir), "probe.lua:1: attempt to modify read-only table 'm'")
        expectLoadError(loadError("local m = metric.import('m'); rawset(m, 'f', nil)", in: dir), "rawset: table is read-only")
        expectLoadError(loadError("metric.import('strings')", in: dir), "lib/strings.lua:1: attempt to modify read-only table 'string'")
        expectLoadError(loadError("metric.import('raw')", in: dir), "lib/raw.lua:1: rawset: table is read-only")
        expectLoadError(loadError("metric.import('metrics')", in: dir), "lib/metrics.lua:1: attempt to modify read-only table 'metric'")
        expectLoadError(loadError("metric.import('env')", in: dir), "lib/env.lua:1: cannot change a protected metatable")
        expectLoadError(loadError("metric.import('definer')", in: dir), "lib/definer.lua:1: metric.define: called while module 'definer' loads")
        // a table inside the module's value is the module's own business
        let m = try load(summing("#mod.data", prelude: "local mod = metric.import('m')"), in: dir).makeMetric()
        try m.update(x123)
        #expect(try m.compute().doubleValue == 2)
    }

    @Test func badNamesAreRefusedBeforeAnyFileIsRead() throws {
        let dir = try pluginFolder(["ok": "return {}"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("return {}", dir, "outside.lua")
        let expected = "probe.lua:1: metric.import: argument #1: expected a module name (letters, digits and '_', not starting with a digit; dots separate folders"
        for name in ["../outside", "/etc/passwd", "a/../../b", "..", "a..b", "", ".ok", "ok.", "1ok", "o k", "ok-1", "lib/ok", "ok\\0", "é"] {
            let error = loadError("metric.import('\(name)')", in: dir)
            expectLoadError(error, expected)
            expectLoadError(error, "got \"")
        }
        for (arg, type) in [("42", "number"), ("nil", "nil"), ("{}", "table"), ("true", "boolean"), ("", "nil")] {
            expectLoadError(loadError("metric.import(\(arg))", in: dir), "\(expected): \"curves\" is lib/curves.lua, \"stats.moments\" is lib/stats/moments.lua), got a \(type)")
        }
        expectLoadError(loadError("metric.import(('x'):rep(300))", in: dir), expected)
    }

    @Test func missingModulesAndFoldersAreNamed() throws {
        let dir = try pluginFolder(["ok": "return {}"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = dir.appendingPathComponent("lib").standardizedFileURL.path
        expectLoadError(loadError("metric.import('nothere')", in: dir),
                        "probe.lua:1: metric.import(\"nothere\"): no module 'nothere': \(lib)/nothere.lua does not exist (modules are the .lua files under \(lib))")
        expectLoadError(loadError("metric.import('ok.deeper')", in: dir), "\(lib)/ok/deeper.lua does not exist")
        expectLoadError(loadError("metric.import('ok')", in: nil),
                        "probe.lua:1: metric.import(\"ok\"): this script has no plugin folder (it was loaded from a string), so there is no lib/ folder to import from")
    }

    @Test func symbolicLinksCannotLeadOutOfTheFolder() throws {
        let dir = try pluginFolder(["ok": "return {}"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("return { secret = 1 }", dir, "outside.lua")
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("lib/link.lua").path, withDestinationPath: dir.appendingPathComponent("outside.lua").path
        )
        expectLoadError(loadError("metric.import('link')", in: dir), "link.lua leads outside")
    }

    @Test func oversizedModulesAndFoldersAreRefused() throws {
        let big = "-- " + String(repeating: "x", count: LuaScript.maximumSourceBytes) + "\nreturn {}"
        let dir = try pluginFolder(["big": big])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lib/folder.lua"), withIntermediateDirectories: true)
        expectLoadError(loadError("metric.import('big')", in: dir),
                        "big.lua has \(big.utf8.count) bytes, more than the \(LuaScript.maximumSourceBytes) accepted for a module")
        expectLoadError(loadError("metric.import('folder')", in: dir), "folder.lua is not a regular file")
    }

    @Test func runawayModulesHitTheLimitsOfTheImportingCall() throws {
        let dir = try pluginFolder([
            "spin": "while true do end",
            "guarded": "while true do pcall(function() while true do end end) end",
            "bomb": "local t = {}; while true do t[#t + 1] = {} end",
            "fine": "return { one = 1 }",
            "busy": "for i = 1, 60000 do end; return {}",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let started = Date()
        expectLoadLimit(loadError("metric.import('spin')", in: dir, limits: attackLimits), .time)
        expectLoadLimit(loadError("pcall(metric.import, 'guarded'); while true do end", in: dir, limits: attackLimits), .time)
        let instructions = LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 100_000, secondsPerCall: 10)
        expectLoadLimit(loadError("metric.import('spin')", in: dir, limits: instructions), .instructions)
        // the module's instructions count in the budget of the call importing it: each loop fits, both do not
        #expect(loadError("metric.import('busy')", in: dir, limits: instructions) == nil)
        #expect(loadError("for i = 1, 60000 do end", in: dir, limits: instructions) == nil)
        expectLoadLimit(loadError("metric.import('busy'); for i = 1, 60000 do end", in: dir, limits: instructions), .instructions)
        let heapOnly = LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 1_000_000_000, secondsPerCall: 20)
        expectLoadLimit(loadError("metric.import('bomb')", in: dir, limits: heapOnly), .heap)
        #expect(Date().timeIntervalSince(started) < 5)
        // the host is fine: the same folder still serves a good module
        let m = try load(summing("f.one", prelude: "local f = metric.import('fine')"), in: dir, limits: attackLimits).makeMetric()
        try m.update(x123)
        #expect(try m.compute().doubleValue == 1)
    }

    @Test func cyclesAreErrors() throws {
        let dir = try pluginFolder([
            "a": "metric.import('b'); return {}",
            "b": "metric.import('c'); return {}",
            "c": "metric.import('a'); return {}",
            "self": "metric.import('self'); return {}",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(loadError("metric.import('a')", in: dir), "lib/c.lua:1: metric.import(\"a\"): an import cycle: a imports b imports c imports a")
        expectLoadError(loadError("metric.import('self')", in: dir), "lib/self.lua:1: metric.import(\"self\"): an import cycle: self imports self")
    }

    @Test func moduleErrorsCarryTheModuleLineAndATraceback() throws {
        let dir = try pluginFolder([
            "bad": "local x = 1\nerror('boom')\nreturn {}",
            "syntax": "local x = 1\nlocal y = = 2\nreturn {}",
            "silent": "local x = 1",
            "two": "return 1, 2",
            "tostring": "error(setmetatable({}, { __tostring = function() while true do end end }))",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = loadError("local ok = pcall(metric.import, 'bad')\nmetric.import('bad')", in: dir)
        guard case let LuaError.runtime(file, call, message, traceback)? = error else {
            Issue.record("expected a runtime error, got \(String(describing: error))")
            return
        }
        // a failed import can be tried again: the second attempt raises the module's error, not a cycle
        #expect(file == "probe.lua" && call == "load")
        #expect(message == "lib/bad.lua:2: boom")
        #expect(traceback.contains("lib/bad.lua:2: in local 'chunk'"), "\(traceback)")
        #expect(traceback.contains("probe.lua:2: in main chunk"), "\(traceback)")
        let lib = dir.appendingPathComponent("lib").standardizedFileURL.path
        expectLoadError(loadError("metric.import('syntax')", in: dir),
                        "probe.lua:1: metric.import(\"syntax\"): cannot load \(lib)/syntax.lua: lib/syntax.lua:2: unexpected symbol near '='")
        expectLoadError(loadError("metric.import('silent')", in: dir),
                        "probe.lua:1: metric.import(\"silent\"): lib/silent.lua must end with `return <value>` (one value, typically a table of functions); it returned nothing")
        expectLoadError(loadError("metric.import('two')", in: dir), "lib/two.lua must end with `return <value>` (one value, typically a table of functions); it returned 2 values")
        let started = Date()
        expectLoadError(loadError("metric.import('tostring')", in: dir, limits: attackLimits), "(error object is a table value)")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func laterCallsGetOnlyModulesImportedWhileLoading() throws {
        let dir = try pluginFolder(["one": "return { v = 1 }", "two": "return { v = 2 }"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cached = try load(summing("metric.import('one').v", prelude: "metric.import('one')"), in: dir).makeMetric()
        try cached.update(x123)
        #expect(try cached.compute().doubleValue == 1)
        let late = try load(summing("metric.import('two').v", prelude: "metric.import('one')"), in: dir).makeMetric()
        #expect { try late.update(x123) } throws: { error in
            guard case let LuaError.runtime(_, call, message, _) = error else { return false }
            return call == "update" && message.hasPrefix("probe.lua:5: metric.import(\"two\"): modules load while the script loads; import 'two' at the top of the script")
        }
    }

    @Test func statesAreNotSharedBetweenInstancesOrScripts() throws {
        let dir = try pluginFolder(["tally": "local n = 0\nreturn { bump = function() n = n + 1; return n end }"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try load(summing("t.bump()", prelude: "local t = metric.import('tally')"), in: dir)
        let a = try script.makeMetric(), b = try script.makeMetric()
        try a.update(x123)
        try a.update(x123)
        try b.update(x123)
        #expect(try a.compute().doubleValue == 1 + 2)
        #expect(try b.compute().doubleValue == 1)
        let other = try load(summing("t.bump() * 10", prelude: "local t = metric.import('tally')"), in: dir).makeMetric()
        try other.update(x123)
        #expect(try other.compute().doubleValue == 10)
    }

    @Test func instancesRunTheModuleTextReadAtLoad() throws {
        let dir = try pluginFolder(["k": "return { k = 1 }"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try load(summing("k.k", prelude: "local k = metric.import('k')"), in: dir)
        try write("return { k = 2 }", dir, "lib/k.lua")
        let m = try script.makeMetric()
        try m.update(x123)
        #expect(try m.compute().doubleValue == 1)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("lib/k.lua"))
        #expect(try script.makeMetric().updateCount == 0)
    }
}

/// `factor * sum(preds)` with the factor from module `k` (`return { k = N }`).
private let importingPlugin = """
    local k = metric.import("k")
    return metric.define {
      name = "alpha", inputs = { "preds" },
      states = { { "total", tensor.zeros({}, "float64"), "sum" } },
      update = function(s, opt, preds) s.total = s.total + preds:double():sum() * k.k end,
      compute = function(s, opt) return s.total end,
    }
    """

@Suite("metric.import in a plugin host")
struct PluginHostImportTests {
    @Test func libFilesAreModulesNotMetrics() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(importingPlugin, dir, "a.lua")
        try write("return { k = 3 }", dir, "lib/k.lua")
        // a metric in lib/ is not loaded; a lib/ folder below the top level is an ordinary folder
        try write(sumPlugin("in_lib"), dir, "lib/looks_like_a_metric.lua")
        try write(sumPlugin("nested", factor: 2), dir, "sub/lib/nested.lua")
        let registry = MetricRegistry()
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        let report = host.load()
        #expect(report.isClean, "\(report)")
        #expect(host.plugins.map(\.name) == ["alpha", "nested"])
        #expect(try valueOf("alpha", registry) == 9)
        #expect(try valueOf("nested", registry) == 6)
        #expect(host.script(named: "alpha")?.moduleFolder == dir.appendingPathComponent("lib").standardizedFileURL.path)
    }

    @Test func changingAModuleReloadsTheScriptsImportingIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(importingPlugin, dir, "a.lua")
        try write(sumPlugin("beta"), dir, "b.lua")
        try write("return { k = 3 }", dir, "lib/k.lua")
        try write("return {}", dir, "lib/unused.lua")
        let registry = MetricRegistry()
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        #expect(host.load().added.map(\.name) == ["alpha", "beta"])

        // a module nobody imports changes: nothing reloads
        try write("return { changed = true }", dir, "lib/unused.lua")
        #expect(!host.reload().hasChanges)

        try write("return { k = 5 }", dir, "lib/k.lua")
        let changed = host.reload()
        #expect(changed.updated.map(\.name) == ["alpha"])
        #expect(changed.unchanged.map(\.name) == ["beta"])
        #expect(try valueOf("alpha", registry) == 15)
        #expect(!host.reload().hasChanges)

        // a broken module: the importing script fails, its last good version stays in service
        try write("return { k = = 7 }", dir, "lib/k.lua")
        let broken = host.reload()
        #expect(broken.failures.count == 1)
        let failure = broken.failures.first
        #expect(failure?.file.hasSuffix("/a.lua") == true)
        #expect(failure?.message.contains("lib/k.lua:1: unexpected symbol near '='") == true, "\(failure?.message ?? "")")
        #expect(failure?.message.contains("last good version stays in service") == true)
        #expect(try valueOf("alpha", registry) == 15)
        // nothing changed since: the failure is still reported, without loading again
        let again = host.reload()
        #expect(again.failures.count == 1 && !again.hasChanges)

        try write("return { k = 2 }", dir, "lib/k.lua")
        let fixed = host.reload()
        #expect(fixed.isClean)
        #expect(fixed.updated.map(\.name) == ["alpha"])
        #expect(try valueOf("alpha", registry) == 6)

        // a removed module fails the script; the module coming back fixes it
        try FileManager.default.removeItem(at: dir.appendingPathComponent("lib/k.lua"))
        #expect(host.reload().failures.first?.message.contains("no module 'k'") == true)
        try write("return { k = 4 }", dir, "lib/k.lua")
        #expect(host.reload().updated.map(\.name) == ["alpha"])
        #expect(try valueOf("alpha", registry) == 12)
    }

    @Test func aScriptWaitingForAModuleLoadsWhenItAppears() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(importingPlugin, dir, "a.lua")
        let registry = MetricRegistry()
        let host = PluginHost(directories: [dir], registry: registry, log: LogCollector().handler)
        let first = host.load()
        #expect(first.added.isEmpty)
        #expect(first.failures.first?.message.contains("no module 'k'") == true)
        try write("return { k = 10 }", dir, "lib/k.lua")
        #expect(host.reload().added.map(\.name) == ["alpha"])
        #expect(try valueOf("alpha", registry) == 30)
    }
}
