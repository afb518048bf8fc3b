import ArgumentParser
import Foundation
import Vernier

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the embedded default job: synthetic data, several metrics, a readable table.",
        discussion: "Needs no files. The data are generated from --seed, so every run prints the same values."
    )

    @Option(help: "Samples to generate.") var samples: Int = 20_000
    @Option(help: "Seed of the synthetic data.") var seed: UInt64 = 2026
    @Option(name: .customLong("batch-size"), help: "Rows per update.") var batchSize: Int = 4_096

    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    /// One synthetic task: the inputs and the metric SPECs evaluated on them.
    struct Task {
        let title: String
        let inputs: MetricInputs
        let specs: [String]
    }

    static func tasks(samples n: Int, seed: UInt64) -> [Task] {
        var rng = SplitMix64(seed: seed)
        // Binary: calibrated probabilities, targets drawn from them.
        let probs = Tensor.uniform([n], using: &rng)
        let draws = Tensor.uniform([n], using: &rng)
        let binTarget = try! Tensor.compare(.lt, draws, probs).cast(.int64)
        // Multiclass: 5 classes, logits with +1.5 on the true class.
        let classes = 5
        let mcTarget = Tensor.randint([n], high: Int64(classes), using: &rng)
        var logits = Tensor.normal([n, classes], using: &rng).cast(.float64)
        let truth = mcTarget.toInt64s()
        logits.withUnsafeMutableBuffer(as: Double.self) { p in for i in 0..<n { p[i * classes + Int(truth[i])] += 1.5 } }
        // Regression: y ~ N(0, 1), prediction = y + 0.3·noise.
        let y = Tensor.normal([n], using: &rng)
        let yHat = y + Tensor.normal([n], std: 0.3, using: &rng)
        return [
            Task(title: "binary", inputs: MetricInputs(preds: probs, target: binTarget),
                 specs: ["binary_accuracy", "binary_accuracy:threshold=0.3"]),
            Task(title: "multiclass", inputs: MetricInputs(preds: logits.cast(.float32), target: mcTarget),
                 specs: ["multiclass_accuracy:num_classes=5,average=micro", "multiclass_accuracy:num_classes=5,average=macro",
                         "multiclass_accuracy:num_classes=5,top_k=2"]),
            Task(title: "regression", inputs: MetricInputs(preds: yHat, target: y),
                 specs: ["mean_squared_error", "mean_squared_error:squared=false", "mean_absolute_error"]),
            Task(title: "aggregation", inputs: MetricInputs(["value": .tensor(yHat - y)]),
                 specs: ["mean", "min", "max"]),
        ]
    }

    func run() throws {
        let registry = MetricRegistry.builtins()
        let clock = ContinuousClock()
        var rows: [[String]] = []
        let start = clock.now
        for task in Self.tasks(samples: samples, seed: seed) {
            let metrics = try task.specs.map { try registry.make(spec: $0) }
            var s = 0
            while s < samples {
                let batch = try task.inputs.rows(s..<min(samples, s + batchSize))
                for m in metrics { try m.update(batch) }
                s += batchSize
            }
            for (spec, m) in zip(task.specs, metrics) { rows.append([task.title, spec, try m.compute().summary]) }
        }
        let elapsed = (clock.now - start).seconds
        print("Vernier demo: \(samples) synthetic samples per task (seed \(seed)), batches of \(batchSize)\n")
        print(Output.table(["task", "metric", "value"], rows))
        print(String(format: "\n%d metrics evaluated in %.3f s", rows.count, elapsed))
    }
}
