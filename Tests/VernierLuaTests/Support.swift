import Foundation
import Synchronization
import Testing
import VernierCore
import VernierTensor
@testable import VernierLua

/// Small limits so limit tests stay fast.
let testLimits = LuaLimits(heapBytes: 8 << 20, tensorBytes: 16 << 20, instructionsPerCall: 5_000_000, secondsPerCall: 0.5)

/// Collects what scripts print.
final class LogCollector: Sendable {
    private let lines = Mutex<[String]>([])
    var handler: LuaLogHandler { { [self] r in lines.withLock { $0.append("\(r.level.rawValue): \(r.message)") } } }
    var all: [String] { lines.withLock { $0 } }
}

/// A metric whose update body and compute body are given; states: one sum `acc`.
func accumulator(update: String, compute: String = "return s.acc", limits: LuaLimits = testLimits, log: LuaLogHandler? = nil) throws -> LuaScript {
    let source = """
    return metric.define {
      name = "probe",
      inputs = { "x" },
      states = function(opt) return { { "acc", tensor.zeros({}, "float64"), "sum" } } end,
      update = function(s, opt, x)
        \(update)
      end,
      compute = function(s, opt)
        \(compute)
      end,
    }
    """
    return try LuaScript.load(source: source, chunkName: "probe.lua", limits: limits, log: log ?? LogCollector().handler)
}

/// Runs one update of an `accumulator` metric with x = [1, 2, 3].
func runUpdate(_ script: LuaScript) throws -> LuaMetric {
    let m = try script.makeMetric()
    try m.update(["x": Tensor([1, 2, 3] as [Float])])
    return m
}

/// The value of a scalar metric result.
func scalar(_ v: MetricValue) -> Double? { v.doubleValue }

/// The text of an error (for checks on messages).
func text(_ error: Error) -> String { String(describing: error) }

/// A temporary directory removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-lua-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` as the compute function of a probe metric (after one no-op
/// update) and returns its value.
func evaluate(_ body: String, limits: LuaLimits = testLimits) throws -> MetricValue {
    let m = try runUpdate(accumulator(update: "", compute: body, limits: limits))
    return try m.compute()
}

/// The elements of a tensor result as doubles.
func doubles(_ v: MetricValue) -> [Double]? { v.tensor?.toDoubles() }
