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

    /// A metric written in Lua, embedded so the demo needs no files: the
    /// root mean squared error sketched in DESIGN.md.
    static let pluginSource = """
    return metric.define {
      name = "rmse_demo", summary = "root mean squared error, written in Lua", higher_is_better = false,
      options = { squared = false },
      states = function(opt) return {
        { "sum_squared_error", tensor.zeros({}, "float64"), "sum" },
        { "total", tensor.zeros({}, "int64"), "sum" },
      } end,
      update = function(s, opt, preds, target)
        local diff = preds - target
        s.sum_squared_error = s.sum_squared_error + (diff * diff):sum():double()
        s.total = s.total + target:numel()
      end,
      compute = function(s, opt)
        local mse = s.sum_squared_error / s.total:double()
        if opt.squared then return mse end
        return mse:sqrt()
      end,
    }
    """

    func run() throws {
        let registry = MetricRegistry.builtins()
        try registry.register(LuaScript.load(source: Self.pluginSource, chunkName: "rmse_demo.lua").descriptor)
        // The Lua reference scripts, when this checkout has them: each value is cross-checked.
        let reference = try? ReferenceScripts.registry().0
        let clock = ContinuousClock()
        var rows: [[String]] = []
        var agree = 0, compared = 0
        let start = clock.now
        for task in Self.tasks(samples: samples, seed: seed) {
            let specs = task.title == "regression" ? task.specs + ["rmse_demo"] : task.specs
            let metrics = try specs.map { try registry.make(spec: $0) }
            let scripted = specs.map { spec in try? reference?.make(spec: spec) }
            var s = 0
            while s < samples {
                let batch = try task.inputs.rows(s..<min(samples, s + batchSize))
                for m in metrics { try m.update(batch) }
                for m in scripted.compactMap({ $0 }) { try m.update(batch) }
                s += batchSize
            }
            for (i, spec) in specs.enumerated() {
                let value = try metrics[i].compute()
                var check = spec == "rmse_demo" ? "(a Lua plugin)" : "-"
                if let lua = scripted[i] {
                    let v = try lua.compute()
                    let same = Fixtures.compare(v, CrossCheck.expectation(value), atol: 1e-5, rtol: 1e-4) == nil
                    compared += 1
                    if same { agree += 1 }
                    check = "\(v.summary) \(same ? "agrees" : "DIFFERS")"
                }
                rows.append([task.title, spec, value.summary, check])
            }
        }
        let elapsed = (clock.now - start).seconds
        print("Vernier demo: \(samples) synthetic samples per task (seed \(seed)), batches of \(batchSize)\n")
        print(Output.table(["task", "metric", "value", "Lua reference script"], rows))
        print(String(format: "\n%d metrics evaluated in %.3f s; %d of %d cross-checked values agree with their Lua reference", rows.count, elapsed, agree, compared))
    }
}
