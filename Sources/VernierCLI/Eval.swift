import ArgumentParser
import Foundation
import Vernier
import VernierMPI

/// How `eval` spreads the rows over processes.
enum DistributedMode: String, CaseIterable, ExpressibleByArgument {
    case none, mpi
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate metrics on model outputs stored in files.",
        discussion: """
        SPEC is `name` or `name:key=value,...` with TorchMetrics' option names, e.g.
        multiclass_accuracy:num_classes=10,average=macro. Inputs are split along the
        first axis into batches of --batch-size rows and fed to every metric.
        """
    )

    @Option(name: .customLong("metric"), help: "A metric SPEC (repeatable).")
    var metrics: [String] = []
    @Option(help: "Predictions (.npy, .csv[:column], .txt).") var preds: String?
    @Option(help: "Targets (.npy, .csv[:column], .txt).") var target: String?
    @Option(help: "Query ids for retrieval metrics.") var indexes: String?
    @Option(name: .customLong("input"), help: "Another update argument, NAME=FILE (e.g. value=v.npy, weight=w.npy).")
    var extraInputs: [String] = []
    @Option(name: .customLong("batch-size"), help: "Rows per update.") var batchSize: Int = 100_000
    @Option(help: "Also report a bootstrap estimate with this many resamples: mean, std and the 95% interval.")
    var bootstrap: Int?
    @Option(help: "Seed of the bootstrap resampling.") var seed: UInt64 = 0
    @Option(help: "Output format: table or json.") var format: String = "table"
    @Option(help: "Also write an HTML report with the values, curve plots and matrices.") var report: String?
    @Option(help: "none, or mpi: run under mpirun; each rank reads its contiguous share of the rows and rank 0 prints.")
    var distributed: DistributedMode = .none
    @Option(name: .customLong("sync-timeout"), help: "Seconds each distributed collective may take (default: VERNIER_SYNC_TIMEOUT or 300).")
    var syncTimeout: Double?
    @Option(help: "native, or lua: the Lua reference scripts of the built-ins.") var impl: Implementation = .native
    @OptionGroup var sources: MetricSourceOptions

    func validate() throws {
        if impl == .both { throw ValidationError("--impl both is for verify; eval takes native or lua") }
        if metrics.isEmpty { throw ValidationError("give at least one --metric SPEC") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let b = bootstrap, b < 2 { throw ValidationError("--bootstrap needs at least 2 resamples") }
        if Set(metrics).count != metrics.count { throw ValidationError("each --metric SPEC may appear once") }
        if OutputFormat(rawValue: format) == nil { throw ValidationError("--format must be table or json") }
    }

    func run() throws {
        do { try evaluate() } catch let e as CLIError {
            printError("vernier eval: \(e)")
            throw ExitCode(1)
        } catch let e as MetricError {
            printError("vernier eval: \(e)")
            throw ExitCode(1)
        } catch let e as BackendError {
            printError("vernier eval: \(e)")
            throw ExitCode(1)
        }
    }

    func evaluate() throws {
        let clock = ContinuousClock()
        let registry = impl == .lua ? try sources.referenceRegistry() : try sources.registry()
        // One collection: metrics that declare the same states (e.g. accuracy
        // and F1 over the same stat scores) update one shared state per batch.
        var members: [(String, any Metric)] = try metrics.map { spec in (spec, try registry.make(spec: spec)) }
        if let bootstrap {
            members += try metrics.map { spec in
                ("\(spec) [bootstrap]", try BootStrapper(registry.make(spec: spec), numBootstraps: bootstrap, quantiles: [0.025, 0.975], seed: seed))
            }
        }
        let collection = try MetricCollection(members)

        let backend: (any Backend)? = distributed == .mpi ? try MPIBackend() : nil
        let loadStart = clock.now
        var named: [String: String] = [:]
        if let preds { named["preds"] = preds }
        if let target { named["target"] = target }
        if let indexes { named["indexes"] = indexes }
        for item in extraInputs {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else { throw CLIError("--input expects NAME=FILE, got '\(item)'") }
            named[kv[0]] = kv[1]
        }
        var inputs = MetricInputs()
        let totalRows: Int
        if let backend {
            // Each rank reads its contiguous share: rows [r·n/K, (r+1)·n/K).
            var counts: [String: Int] = [:]
            for (name, file) in named { counts[name] = try InputFile.rowCount(file) }
            guard let n = Set(counts.values).first, Set(counts.values).count == 1 else {
                throw CLIError("inputs have different row counts: \(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
            }
            totalRows = n
            let share = (backend.rank * n / backend.worldSize)..<((backend.rank + 1) * n / backend.worldSize)
            for (name, file) in named { inputs[name] = try InputFile.read(file, rows: share) }
        } else {
            for (name, file) in named { inputs[name] = try InputFile.read(file) }
            totalRows = try Self.rowCount(inputs)
        }
        let rows = backend == nil ? totalRows : (inputs.values.values.first { if case .tensor(let t) = $0 { return t.rank > 0 }; return true }?.rowCount ?? 0)
        let loadSeconds = (clock.now - loadStart).seconds

        let updateStart = clock.now
        let progress = Progress(total: rows, label: "eval")
        var start = 0
        while start < rows {
            let end = min(rows, start + batchSize)
            try collection.update(try inputs.rows(start..<end))
            start = end
            progress.update(end)
        }
        let updateSeconds = (clock.now - updateStart).seconds

        let computeStart = clock.now
        if let backend {
            let deadline = try Deadline.after(syncTimeout.map { .seconds($0) } ?? SyncTimeout.resolve())
            try collection.sync(over: backend, deadline: deadline)
            if backend.rank != 0 { return }
        }
        let all = try collection.memberResults()
        let results = metrics.map { ($0, all[$0]!) }
        let intervals = metrics.compactMap { spec in all["\(spec) [bootstrap]"].map { (spec, $0) } }
        if let report {
            do { try Data(HTMLReport.render(results, samples: totalRows).utf8).write(to: URL(fileURLWithPath: report)) } catch {
                throw CLIError("--report: cannot write \(report): \(error.localizedDescription)")
            }
        }
        let computeSeconds = (clock.now - computeStart).seconds

        if format == OutputFormat.json.rawValue {
            var values: [String: Any] = [:]
            for (spec, v) in results { values[spec] = v.jsonObject }
            var doc: [String: Any] = [
                "results": values,
                "timing": ["load_s": loadSeconds, "update_s": updateSeconds, "compute_s": computeSeconds],
                "samples": totalRows,
            ]
            if !intervals.isEmpty {
                var b: [String: Any] = [:]
                for (spec, v) in intervals { b[spec] = v.jsonObject }
                doc["bootstrap"] = b
            }
            if !collection.computeGroups.filter({ $0.count > 1 }).isEmpty { doc["compute_groups"] = collection.computeGroups.filter { $0.count > 1 } }
            print(try Output.json(doc))
        } else {
            if intervals.isEmpty {
                print(Output.table(["metric", "value"], results.map { [$0.0, $0.1.summary] }))
            } else {
                let ci = Dictionary(uniqueKeysWithValues: intervals.map { ($0.0, Self.interval($0.1)) })
                print(Output.table(["metric", "value", "bootstrap \(bootstrap ?? 0): mean ± std [95% interval]"], results.map { [$0.0, $0.1.summary, ci[$0.0] ?? "-"] }))
            }
            let ranks = backend.map { " over \($0.worldSize) ranks" } ?? ""
            print(String(format: "\n%d samples%@; load %.4f s, update %.4f s, compute %.4f s", totalRows, ranks, loadSeconds, updateSeconds, computeSeconds))
        }
    }

    /// The common row count of the inputs (scalars excluded).
    static func rowCount(_ inputs: MetricInputs) throws -> Int {
        var rows: Int? = nil
        for (name, v) in inputs.values.sorted(by: { $0.key < $1.key }) {
            if case .tensor(let t) = v, t.rank == 0 { continue }
            if let r = rows, r != v.rowCount {
                throw CLIError("input '\(name)' has \(v.rowCount) rows, the others \(r)")
            }
            rows = v.rowCount
        }
        guard let rows else { throw CLIError("no inputs: give --preds/--target or --input NAME=FILE") }
        return rows
    }

    /// `mean ± std [lo, hi]` from a bootstrapper's value.
    static func interval(_ v: MetricValue) -> String {
        guard case .dict(let d) = v else { return v.summary }
        let mean = d["mean"]?.summary ?? "?", std = d["std"]?.summary ?? "?"
        var bounds = "?"
        if let q = d["quantile"]?.tensor, q.count >= 2 { bounds = String(format: "[%.6g, %.6g]", q.element(at: 0), q.element(at: q.count - 1)) }
        return "\(mean) ± \(std) \(bounds)"
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
