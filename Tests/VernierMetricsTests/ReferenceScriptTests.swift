import Foundation
import Testing
import Vernier
import VernierTestSupport

/// The Lua reference scripts under Plugins/reference: each loads, mirrors a
/// built-in, passes that built-in's fixture cases, and agrees with the native
/// metric on generated inputs (the cross-check).
@Suite("Reference scripts")
struct ReferenceScriptTests {
    static let native = MetricRegistry.builtins()
    static let loaded: Result<(MetricRegistry, PluginReport), Error> = Result { try ReferenceScripts.registry() }
    static let templates: Result<[FixtureCase], Error> = Result {
        try Fixtures.files(at: SharedPaths.fixtures.path).flatMap { try Fixtures.load($0) }
    }

    @Test func everyScriptLoadsAndMirrorsABuiltin() throws {
        let (reference, report) = try Self.loaded.get()
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(!reference.names.isEmpty)
        for name in reference.names { #expect(Self.native.contains(name), "\(name) has no built-in") }
        let missing = Self.native.names.filter { !reference.contains($0) }
        print("reference scripts: \(reference.names.count) of \(Self.native.names.count) built-ins")
        #expect(missing.isEmpty, "built-ins without a reference script in Plugins/reference: \(missing.joined(separator: ", "))")
    }

    @Test func aScriptLoadsOnItsOwnGivenItsPluginFolder() throws {
        let folder = try #require(ReferenceScripts.locate())
        let path = folder.appendingPathComponent("classification/binary_roc.lua").path
        let script = try LuaScript.load(path: path, pluginFolder: folder.path)
        #expect(script.name == "binary_roc")
        #expect(script.importedModules == ["curves", "inputs"])
        // on its own the script's folder is classification/, which has no lib/
        #expect { try LuaScript.load(path: path) } throws: { error in
            String(describing: error).contains("no module 'curves': \(folder.standardizedFileURL.path)/classification/lib/curves.lua does not exist")
        }
    }

    @Test func scriptsPassTheFixtures() throws {
        let (reference, _) = try Self.loaded.get()
        let cases = try Self.templates.get().filter { reference.contains($0.metric) }
        var failures: [String] = []
        for c in cases {
            let r = Fixtures.run(c) { try reference.make($0, $1) }
            if !r.passed { failures.append("\(c.id): \(r.detail)") }
        }
        print("reference fixtures: \(cases.count) cases checked, \(cases.count - failures.count) passed")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func scriptsAgreeWithNativeOnGeneratedInputs() throws {
        let (reference, _) = try Self.loaded.get()
        let templates = try Self.templates.get().filter { reference.contains($0.metric) && Self.native.contains($0.metric) }
        let outcomes = CrossCheck.run(templates: templates, seeds: 1, native: Self.native, reference: reference)
        let failed = outcomes.filter { !$0.passed }
        print("crosscheck: \(outcomes.count) runs, \(failed.count) disagreements")
        #expect(failed.isEmpty, "\(failed.prefix(20).map { "\($0.template) [\($0.variant)]: \($0.detail)" }.joined(separator: "\n"))")
    }
}
