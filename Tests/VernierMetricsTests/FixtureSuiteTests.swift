import Foundation
import Testing
import Vernier
import VernierTestSupport

/// Every case in ../shared/fixtures whose metric is built in: the reference
/// value, and the streaming properties of the shared checker on its batches.
@Suite("Fixtures")
struct FixtureSuiteTests {
    static let registry = MetricRegistry.builtins()

    /// The cases of built-in metrics, loaded once for the whole suite.
    static let loaded: Result<[FixtureCase], Error> = Result {
        let files = try Fixtures.files(at: SharedPaths.fixtures.path)
        return try files.flatMap { try Fixtures.load($0) }.filter { registry.contains($0.metric) }
    }

    static func cases() throws -> [FixtureCase] { try loaded.get() }

    @Test("reference values of every built-in metric's cases")
    func referenceValues() throws {
        let cases = try Self.cases()
        #expect(cases.count > 0, "no fixture cases found under \(SharedPaths.fixtures.path)")
        var failures: [String] = []
        for c in cases {
            let r = Fixtures.run(c) { try Self.registry.make($0, $1) }
            if !r.passed { failures.append("\(c.id): \(r.detail)") }
        }
        print("fixtures: \(cases.count) cases checked, \(cases.count - failures.count) passed")
        #expect(failures.isEmpty, "\(failures.count) failing:\n\(failures.joined(separator: "\n"))")
    }

    @Test("every built-in metric has fixture cases")
    func coverage() throws {
        let covered = Set(try Self.cases().map(\.metric))
        let missing = Self.registry.names.filter { !covered.contains($0) }
        #expect(missing.isEmpty, "built-ins without fixture cases: \(missing)")
    }

    @Test("streaming properties on every fixture case")
    func streamingProperties() throws {
        var problems: [String] = []
        var checked = 0
        for c in try Self.cases() {
            if case .error = c.expected { continue }
            let checker = MetricChecker(atol: c.atol, rtol: c.rtol) { try Self.registry.make(c.metric, c.args) }
            do {
                problems += try checker.checkAll(c.batches).map { "\(c.id): \($0)" }
                checked += 1
            } catch {
                problems.append("\(c.id): \(error)")
            }
        }
        print("checker: \(checked) cases run through batching, forward, merge, checkpoint and 1-4 rank sync checks")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
