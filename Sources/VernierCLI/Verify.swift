import ArgumentParser
import Foundation
import Vernier

/// Which implementation `verify` checks.
enum Implementation: String, CaseIterable, ExpressibleByArgument {
    case native, lua, both
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check metrics against reference-value fixture files.",
        discussion: """
        PATH is a fixture file (*.json) or a folder of them. Each case builds the metric
        with its options, feeds its batches, and compares compute() with the expected
        value (|a - e| <= atol + rtol*|e|); an `error` case must be rejected without
        changing the metric's state. Cases of metrics that are not available are
        counted as skipped. Ends with `N passed, M failed` and exits 1 when M > 0.
        """
    )

    @Argument(help: "Fixture files or folders.") var paths: [String]
    @Option(help: "native, lua (the reference scripts) or both.") var impl: Implementation = .native
    @Option(help: "Output format: table or json.") var format: String = "table"
    @Option(name: .customLong("metric"), help: "Only cases of this metric (repeatable).") var only: [String] = []
    @OptionGroup var sources: MetricSourceOptions

    func run() throws {
        guard let fmt = OutputFormat(rawValue: format) else { throw ValidationError("--format must be table or json") }
        let registry = try sources.registry()
        var cases: [FixtureCase] = []
        do {
            for p in paths { for f in try Fixtures.files(at: p) { cases += try Fixtures.load(f) } }
        } catch {
            printError("vernier verify: \(error)")
            throw ExitCode(1)
        }
        if !only.isEmpty { cases = cases.filter { only.contains($0.metric) } }
        var implementations: [(String, MetricRegistry)] = []
        if impl == .native || impl == .both { implementations.append(("native", registry)) }
        if impl == .lua || impl == .both {
            do { implementations.append(("lua", try sources.referenceRegistry())) } catch {
                printError("vernier verify: \(error)")
                throw ExitCode(1)
            }
        }
        var rows: [[String]] = []
        var records: [[String: Any]] = []
        var passed = 0, failed = 0, skipped = 0
        for c in cases {
            for (label, reg) in implementations {
                guard reg.contains(c.metric) else {
                    skipped += 1
                    rows.append([c.id, label, "skipped", "metric not available"])
                    records.append(["id": c.id, "impl": label, "status": "skipped"])
                    continue
                }
                let r = Fixtures.run(c) { try reg.make($0, $1) }
                if r.passed { passed += 1 } else { failed += 1 }
                rows.append([c.id, label, r.passed ? "ok" : "FAIL", r.detail])
                records.append(["id": c.id, "impl": label, "status": r.passed ? "passed" : "failed", "detail": r.detail])
            }
        }
        if fmt == .json {
            print(try Output.json(["cases": records, "passed": passed, "failed": failed, "skipped": skipped]))
        } else {
            let shown = rows.filter { $0[2] != "skipped" }
            print(Output.table(["case", "impl", "result", "detail"], shown))
            if skipped > 0 {
                let metrics = Set(cases.filter { !registry.contains($0.metric) }.map(\.metric)).sorted()
                print("\nskipped \(skipped) cases of metrics not available: \(metrics.joined(separator: ", "))")
            }
        }
        print("\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        if failed > 0 { throw ExitCode(1) }
    }
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the available metrics, their options and inputs.")

    @Option(help: "Only this domain (classification, regression, ...).") var domain: String?
    @Option(help: "Output format: table, json or markdown (the catalogue in Docs/Metrics.md).") var format: String = "table"
    @OptionGroup var sources: MetricSourceOptions

    func run() throws {
        if format == "markdown" {
            print(try catalogue())
            return
        }
        guard let fmt = OutputFormat(rawValue: format) else { throw ValidationError("--format must be table, json or markdown") }
        if let domain, MetricDomain(rawValue: domain) == nil {
            throw ValidationError("--domain must be one of \(MetricDomain.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let all = try sources.registry().all.filter { domain == nil || $0.domain.rawValue == domain }
        if fmt == .json {
            print(try Output.json(all.map { d in
                [
                    "name": d.name, "domain": d.domain.rawValue, "summary": d.summary, "source": d.source,
                    "inputs": d.inputs, "optional_inputs": d.optionalInputs,
                    "options": d.options.map { ["name": $0.name, "kind": $0.kind.description, "default": $0.defaultValue.description] },
                ] as [String: Any]
            }))
        } else {
            print(Output.table(["metric", "domain", "inputs", "options", "summary"], all.map { d in
                [d.name, d.domain.rawValue, (d.inputs + d.optionalInputs.map { "[\($0)]" }).joined(separator: ","),
                 d.options.map { "\($0.name)=\($0.defaultValue)" }.joined(separator: " "), d.summary]
            }))
            print("\n\(all.count) metrics")
        }
    }

    /// The metric catalogue as Markdown, one section per domain.
    func catalogue() throws -> String {
        let all = try sources.registry().all.filter { domain == nil || $0.domain.rawValue == domain }
        var out = ["# Metric catalogue", "", "Generated by `vernier metrics --format markdown`: every registered metric, its update inputs (optional ones in brackets) and its options with their defaults.", ""]
        for d in MetricDomain.allCases {
            let items = all.filter { $0.domain == d }
            if items.isEmpty { continue }
            out += ["## \(d.rawValue.capitalized) (\(items.count))", "", "| metric | inputs | options | summary |", "|---|---|---|---|"]
            for m in items {
                let inputs = (m.inputs + m.optionalInputs.map { "[\($0)]" }).joined(separator: ", ")
                let options = m.options.map { "`\($0.name)=\($0.defaultValue)`" }.joined(separator: " ")
                out.append("| `\(m.name)` | \(inputs) | \(options) | \(m.summary) |")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }
}
