import ArgumentParser
import Foundation
import Vernier

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (build with -c release for meaningful numbers).",
        subcommands: [Kernels.self, Workloads.self]
    )

    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kernel throughput in elements per second (best of 3).")

        @Option(help: "Elements per kernel run.") var elements: Int = 4_000_000
        @Option(help: "Output format: table or json.") var format: String = "table"

        func run() throws {
            guard elements > 0 else { throw ValidationError("--elements must be positive") }
            let results = KernelBenchmark.run(elements: elements)
            if format == "json" {
                print(try Output.json(results.map { ["kernel": $0.name, "elements": $0.elements, "seconds": $0.seconds, "elements_per_s": $0.elementsPerSecond] }))
            } else {
                print(Output.table(["kernel", "elements", "seconds", "elements/s"], results.map {
                    [$0.name, String($0.elements), String(format: "%.5f", $0.seconds), String(format: "%.3g", $0.elementsPerSecond)]
                }))
            }
        }
    }
}

extension Bench {
    /// One workload of ../shared/bench: a metric SPEC, its input files and batch size.
    struct Workload {
        let name: String
        let spec: String
        let inputs: [(String, String)]
        let batch: Int
    }

    /// The workloads of shared/bench/README.md, in its order.
    static let workloads: [Workload] = [
        Workload(name: "binary_accuracy", spec: "binary_accuracy", inputs: [("preds", "bin_preds.npy"), ("target", "bin_target.npy")], batch: 1_000_000),
        Workload(name: "multiclass_accuracy_macro", spec: "multiclass_accuracy:num_classes=10,average=macro", inputs: [("preds", "mc_preds.npy"), ("target", "mc_target.npy")], batch: 100_000),
        Workload(name: "multiclass_f1_macro", spec: "multiclass_f1_score:num_classes=10,average=macro", inputs: [("preds", "mc_preds.npy"), ("target", "mc_target.npy")], batch: 100_000),
        Workload(name: "multiclass_confusion_matrix", spec: "multiclass_confusion_matrix:num_classes=10", inputs: [("preds", "mc_preds.npy"), ("target", "mc_target.npy")], batch: 100_000),
        Workload(name: "binary_auroc", spec: "binary_auroc", inputs: [("preds", "auc_preds.npy"), ("target", "auc_target.npy")], batch: 1_000_000),
        Workload(name: "binary_average_precision", spec: "binary_average_precision", inputs: [("preds", "auc_preds.npy"), ("target", "auc_target.npy")], batch: 1_000_000),
        Workload(name: "mean_squared_error", spec: "mean_squared_error", inputs: [("preds", "reg_preds.npy"), ("target", "reg_target.npy")], batch: 1_000_000),
        Workload(name: "pearson_corrcoef", spec: "pearson_corrcoef", inputs: [("preds", "reg_preds.npy"), ("target", "reg_target.npy")], batch: 1_000_000),
        Workload(name: "spearman_corrcoef", spec: "spearman_corrcoef", inputs: [("preds", "rank_preds.npy"), ("target", "rank_target.npy")], batch: 100_000),
        Workload(name: "retrieval_normalized_dcg", spec: "retrieval_normalized_dcg:top_k=10", inputs: [("preds", "ret_preds.npy"), ("target", "ret_target.npy"), ("indexes", "ret_indexes.npy")], batch: 100_000),
        Workload(name: "structural_similarity_index_measure", spec: "structural_similarity_index_measure:data_range=1.0", inputs: [("preds", "img_preds.npy"), ("target", "img_target.npy")], batch: 4),
        Workload(name: "word_error_rate", spec: "word_error_rate", inputs: [("preds", "txt_preds.txt"), ("target", "txt_target.txt")], batch: 1_000),
    ]

    struct Workloads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the ../shared/bench workloads: update in batches + compute, inputs in memory, best and median of --repeat runs.",
            discussion: """
            DATA is the folder written by `python ../shared/bench/gen_data.py DATA`. With --torchmetrics PYTHON,
            ../shared/bench/torchmetrics_bench.py runs right after on the same machine and the table shows both.
            """
        )

        @Option(help: "The folder of benchmark inputs.") var data: String
        @Option(name: .customLong("workload"), help: "Only this workload (repeatable).") var only: [String] = []
        @Option(help: "Runs per workload.") var `repeat`: Int = 3
        @Option(help: "A Python with torchmetrics installed, to time TorchMetrics side by side.") var torchmetrics: String?
        @Option(help: "The TorchMetrics benchmark script.") var script: String = "../shared/bench/torchmetrics_bench.py"
        @Option(help: "Output format: table or json.") var format: String = "table"
        @Option(help: "native, lua (the reference scripts), or both (a row each).") var impl: Implementation = .native
        @OptionGroup var sources: MetricSourceOptions

        func run() throws {
            var registries: [(String, MetricRegistry)] = []
            if impl != .lua { registries.append(("", try sources.registry())) }
            if impl != .native { registries.append((" [lua]", try sources.referenceRegistry())) }
            let chosen = Bench.workloads.filter { only.isEmpty || only.contains($0.name) }
            var results: [(Workload, Double?, Double?, String)] = []
            let clock = ContinuousClock()
            for w0 in chosen {
              for (suffix, registry) in registries {
                let w = Workload(name: w0.name + suffix, spec: w0.spec, inputs: w0.inputs, batch: w0.batch)
                guard registry.contains((try? MetricSpec(parsing: w.spec))?.name ?? w.spec) else {
                    results.append((w, nil, nil, "metric not available"))
                    continue
                }
                var inputs = MetricInputs()
                for (name, file) in w.inputs { inputs[name] = try InputFile.read(URL(fileURLWithPath: data).appendingPathComponent(file).path) }
                let rows = try Eval.rowCount(inputs)
                let batches = try stride(from: 0, to: rows, by: w.batch).map { try inputs.rows($0..<min(rows, $0 + w.batch)) }
                var times: [Double] = []
                var value = ""
                for _ in 0..<max(1, `repeat`) {
                    let m = try registry.make(spec: w.spec)
                    let t0 = clock.now
                    for b in batches { try m.update(b) }
                    let v = try m.compute()
                    times.append((clock.now - t0).seconds)
                    value = v.summary
                }
                times.sort()
                results.append((w, times.first, times[times.count / 2], value))
              }
            }
            var anchor: [String: Any] = [:]
            if let python = torchmetrics {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: python)
                p.arguments = [script, data] + chosen.map(\.name)
                let out = Pipe()
                p.standardOutput = out
                try p.run()
                let bytes = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                guard p.terminationStatus == 0, let obj = try JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
                    throw CLIError("the TorchMetrics benchmark failed (exit \(p.terminationStatus))")
                }
                anchor = obj
            }
            func tm(_ name: String) -> Double? { (anchor[name] as? [String: Any])?["torchmetrics"] as? Double }
            func fl(_ name: String) -> Double? { (anchor[name] as? [String: Any])?["floor"] as? Double }
            if format == "json" {
                var obj: [String: Any] = [:]
                for (w, best, median, value) in results {
                    var e: [String: Any] = ["spec": w.spec, "value": value]
                    if let best { e["best_s"] = best }
                    if let median { e["median_s"] = median }
                    if let t = tm(w.name) { e["torchmetrics_s"] = t }
                    if let f = fl(w.name) { e["floor_s"] = f }
                    obj[w.name] = e
                }
                print(try Output.json(obj))
                return
            }
            func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }
            print(Output.table(["workload", "vernier best", "median", "torchmetrics", "ratio", "floor", "value"], results.map { w, best, median, value in
                let ratio = (best != nil && tm(w.name) != nil) ? String(format: "%.2f", best! / tm(w.name)!) : "-"
                return [w.name, f(best), f(median), f(tm(w.name)), ratio, f(fl(w.name)), value]
            }))
        }
    }
}
