import ArgumentParser
import Foundation
import Vernier

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lua metric plugins: list what a folder defines, or check that every file loads.",
        subcommands: [List.self, Check.self]
    )

    /// Loads each folder (default: Plugins/reference and Plugins/examples of
    /// this checkout). Reference scripts mirror the built-ins, so a folder
    /// named `reference` loads into a registry of its own; any other folder
    /// loads next to the built-ins (so its plugins may build on them).
    static func load(_ dirs: [String]) throws -> ([LoadedPlugin], [PluginFailure]) {
        var plugins: [LoadedPlugin] = [], failures: [PluginFailure] = []
        for host in try hosts(dirs) {
            let report = host.load()
            plugins += host.plugins
            failures += report.failures
        }
        return (plugins, failures)
    }

    /// One host per folder (nothing loaded yet), as described at ``load(_:)``.
    static func hosts(_ dirs: [String]) throws -> [PluginHost] {
        var folders = dirs
        if folders.isEmpty {
            guard let reference = ReferenceScripts.locate() else { throw CLIError("no folder given and Plugins/ not found") }
            folders = [reference.path, reference.deletingLastPathComponent().appendingPathComponent("examples").path]
                .filter { FileManager.default.fileExists(atPath: $0) }
        }
        return try folders.map { d in
            guard FileManager.default.fileExists(atPath: d) else { throw CLIError("no such folder: \(d)") }
            let url = URL(fileURLWithPath: d)
            let registry = url.standardizedFileURL.lastPathComponent == "reference" ? MetricRegistry() : MetricRegistry.builtins()
            return PluginHost(directories: [url], registry: registry)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the metrics the plugin folders define.")
        @Argument(help: "Plugin folders (default: Plugins/).") var folders: [String] = []

        func run() throws {
            let (plugins, failures) = try Plugins.load(folders)
            print(Output.table(["metric", "file"], plugins.map { [$0.name, $0.file] }))
            print("\n\(plugins.count) plugins" + (failures.isEmpty ? "" : ", \(failures.count) failed to load (see `vernier plugins check`)"))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every plugin file; list failures with file and line; exit 1 if any.",
            discussion: """
            With --watch it keeps running (until interrupted) and checks the folders again every --interval \
            seconds: each change is printed as it is picked up (added, updated, removed, failed FILE: error), \
            then the new totals. A file that breaks keeps its last good version loaded, as in a long-running host.
            """
        )
        @Argument(help: "Plugin folders (default: Plugins/).") var folders: [String] = []
        @Flag(help: "Keep checking the folders and print every change until interrupted.") var watch = false
        @Option(help: "Seconds between checks with --watch.") var interval: Double = 1

        func validate() throws {
            guard interval > 0 && interval.isFinite else { throw ValidationError("--interval must be a positive number of seconds, got \(interval)") }
        }

        func run() throws {
            guard watch else {
                let (plugins, failures) = try Plugins.load(folders)
                for f in failures { print("FAIL \(f)") }
                print("\(plugins.count) loaded, \(failures.count) failed")
                if !failures.isEmpty { throw ExitCode(1) }
                return
            }
            let hosts = try Plugins.hosts(folders)
            for host in hosts {
                let report = host.load()
                for f in report.failures { print("FAIL \(f)") }
                print("\(host.plugins.count) loaded, \(report.failures.count) failed in \(host.directories.map(\.path).joined(separator: ", "))")
            }
            print("watching every \(interval) s; interrupt to stop")
            fflush(nil)
            for host in hosts {
                host.startWatching(every: interval) { report in
                    print(report)
                    fflush(nil)
                }
            }
            dispatchMain()
        }
    }
}

struct Crosscheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run each built-in metric and its Lua reference script on the same generated inputs and report disagreements.",
        discussion: """
        Inputs are generated from the fixture cases of each metric (same options, shapes and dtypes, fresh
        values): random, ties, absent classes, one class only, a single sample, and NaN where the fixtures
        have NaN; fed in batches to one instance and split over two merged instances. Ends with
        `N passed, M failed` and exits 1 when M > 0.
        """
    )

    @Option(name: .customLong("metric"), help: "Only this metric (repeatable).") var only: [String] = []
    @Option(help: "Seeds per template and variant.") var seeds: Int = 1
    @Option(help: "The fixture folder whose cases are the templates.") var fixtures: String = "../shared/fixtures"
    @Option(help: "Output format: table or json.") var format: String = "table"
    @OptionGroup var sources: MetricSourceOptions

    func run() throws {
        let native = try sources.registry()
        let reference = try sources.referenceRegistry()
        var templates: [FixtureCase] = []
        for f in try Fixtures.files(at: fixtures) { templates += try Fixtures.load(f) }
        templates = templates.filter { native.contains($0.metric) && reference.contains($0.metric) && (only.isEmpty || only.contains($0.metric)) }
        let missing = native.names.filter { !reference.contains($0) && (only.isEmpty || only.contains($0)) }
        let outcomes = CrossCheck.run(templates: templates, seeds: seeds, native: native, reference: reference)
        let failed = outcomes.filter { !$0.passed }
        if format == "json" {
            print(try Output.json(["outcomes": outcomes.map { ["metric": $0.metric, "template": $0.template, "variant": $0.variant, "passed": $0.passed, "detail": $0.detail] },
                                   "without_reference": missing]))
        } else {
            var perMetric: [String: (Int, Int)] = [:]
            for o in outcomes { let c = perMetric[o.metric] ?? (0, 0); perMetric[o.metric] = o.passed ? (c.0 + 1, c.1) : (c.0, c.1 + 1) }
            print(Output.table(["metric", "runs", "agree", "disagree"], perMetric.keys.sorted().map { k in
                let (p, f) = perMetric[k]!
                return [k, String(p + f), String(p), String(f)]
            }))
            for o in failed.prefix(50) { print("DISAGREE \(o.template) [\(o.variant)]: \(o.detail)") }
            if !missing.isEmpty { print("\nno reference script yet (not cross-checked): \(missing.joined(separator: ", "))") }
        }
        print("\(outcomes.count - failed.count) passed, \(failed.count) failed")
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
