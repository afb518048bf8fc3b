import Foundation
import Testing
import VernierCore
import VernierTensor
import VernierLua

/// The cost of a Lua MSE update against a native loop over the same data.
/// A measurement, not a check: it runs only with VERNIER_LUA_BENCH=1, in a
/// release build (`swift test -c release -Xswiftc -enable-testing --filter LuaMetricBenchmark`).
@Test(.enabled(if: ProcessInfo.processInfo.environment["VERNIER_LUA_BENCH"] == "1"))
func luaMSEUpdateVersusNative() throws {
    let n = 1_000_000
    var rng = SystemRandomNumberGenerator()
    let p = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
    let t = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
    let preds = Tensor(p), target = Tensor(t)
    let script = try LuaScript.load(source: """
        return metric.define { name = "mse_bench",
          states = { { "sse", tensor.zeros({}, "float64"), "sum" }, { "total", tensor.zeros({}, "int64"), "sum" } },
          update = function(s, opt, preds, target)
            local diff = preds - target
            s.sse = s.sse + (diff * diff):sum()
            s.total = s.total + target:numel()
          end,
          compute = function(s, opt) return s.sse / s.total end }
        """, chunkName: "mse_bench.lua")
    let metric = try script.makeMetric()
    let rounds = 50
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(rounds)
    }
    try metric.update(preds: preds, target: target)
    let lua = try seconds { for _ in 0..<rounds { try metric.update(preds: preds, target: target) } }
    var native = 0.0
    let nativeTime = seconds {
        for _ in 0..<rounds {
            var acc = 0.0
            p.withUnsafeBufferPointer { a in
                t.withUnsafeBufferPointer { b in
                    for i in 0..<n { let d = Double(a[i] - b[i]); acc += d * d }
                }
            }
            native = acc / Double(n)
        }
    }
    // Fixed cost of one update (protected call, marshalling, read-back) on a 4-element batch.
    let small = try script.makeMetric()
    let sp = Tensor([1, 2, 3, 4] as [Float]), st = Tensor([1, 2, 3, 5] as [Float])
    let smallRounds = 20_000
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<smallRounds { try small.update(preds: sp, target: st) }
    let perSmall = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(smallRounds)
    print("Lua MSE update, 4 elements: \(String(format: "%.1f", perSmall / 1e3)) us per update")
    #expect(try small.compute().doubleValue == 0.25)
    let value = try #require(try metric.compute().doubleValue)
    print("Lua MSE update, 1M float32: \(String(format: "%.3f", lua * 1e3)) ms; native loop: \(String(format: "%.3f", nativeTime * 1e3)) ms; ratio \(String(format: "%.2f", lua / nativeTime))")
    #expect(abs(value - native) < 1e-4 * native)
}
