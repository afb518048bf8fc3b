import Foundation
import Testing
import VernierCore
import VernierTensor
@testable import VernierLua

let rmseSource = """
return metric.define {
  name = "root_mean_squared_error_demo",
  higher_is_better = false,
  summary = "RMSE, or MSE with squared = true",
  options = { squared = false },
  states = function(opt) return {
    { "sum_squared_error", tensor.zeros({}), "sum" },
    { "total", tensor.zeros({}, "int64"), "sum" },
  } end,
  update = function(s, opt, preds, target)
    metric.check(preds:dtype() == "float32" or preds:dtype() == "float64", "preds", "a floating-point tensor")
    local diff = preds - target
    s.sum_squared_error = s.sum_squared_error + (diff * diff):sum()
    s.total = s.total + target:numel()
  end,
  compute = function(s, opt)
    local mse = s.sum_squared_error / s.total
    if opt.squared then return mse end
    return mse:sqrt()
  end,
}
"""

@Suite struct LuaMetricTests {
    @Test func rmseAcrossBatches() throws {
        let script = try LuaScript.load(source: rmseSource, chunkName: "rmse.lua")
        #expect(script.name == "root_mean_squared_error_demo")
        #expect(script.higherIsBetter == false)
        let m = try script.makeMetric()
        try m.update(preds: Tensor([1, 2, 3] as [Float]), target: Tensor([1, 2, 5] as [Float]))
        try m.update(preds: Tensor([0, 4] as [Float]), target: Tensor([2, 4] as [Float]))
        // squared errors 0, 0, 4, 4, 0: MSE 8/5 = 1.6, RMSE sqrt(1.6)
        let v = try #require(try m.compute().doubleValue)
        #expect(abs(v - 1.6.squareRoot()) < 1e-6)
        let squared = try script.makeMetric(["squared": .bool(true)])
        try squared.update(preds: Tensor([1, 2, 3] as [Float]), target: Tensor([1, 2, 5] as [Float]))
        #expect(abs(try #require(try squared.compute().doubleValue) - 4.0 / 3.0) < 1e-6)
    }
}

/// A metric with every kind of state: sum, max, cat and a custom reducer.
let statesSource = """
return metric.define {
  name = "state_kinds",
  inputs = { "preds" },
  options = { scale = 1.0, mode = metric.choice({ "sum", "max" }, "sum"), limit = metric.optional("int") },
  states = function(opt) return {
    { "total", tensor.zeros({}, "float64"), "sum" },
    { "largest", tensor.full({}, -math.huge, "float64"), "max" },
    { "items", "cat" },
    { "spread", tensor.zeros({2}, "float64"), function(list)
        -- per-instance [min, max] pairs combine into the overall [min, max]
        local lo, hi = list[1]:slice(0, 0, 1), list[1]:slice(0, 1, 2)
        for i = 2, #list do
          lo = lo:minimum(list[i]:slice(0, 0, 1))
          hi = hi:maximum(list[i]:slice(0, 1, 2))
        end
        return tensor.cat({ lo, hi })
      end },
  } end,
  update = function(s, opt, preds)
    local x = preds:double() * opt.scale
    s.total = s.total + x:sum()
    s.largest = s.largest:maximum(x:max())
    table.insert(s.items, x)
    local seen = tensor.cat(s.items)
    s.spread = tensor.stack({ seen:min(), seen:max() })
  end,
  compute = function(s, opt)
    local all = tensor.cat(s.items)
    return { total = s.total, largest = s.largest, count = all:numel(), spread = s.spread,
             limit = opt.limit or -1, mode = opt.mode == "max" and 1 or 0 }
  end,
}
"""

func dict(_ v: MetricValue) -> [String: Double] {
    guard case .dict(let d) = v else { return [:] }
    var out: [String: Double] = [:]
    for (k, x) in d { if let n = x.doubleValue { out[k] = n } }
    return out
}

extension LuaMetricTests {
    @Test func statesOfEveryKindAcrossBatches() throws {
        let script = try LuaScript.load(source: statesSource, chunkName: "states.lua")
        #expect(script.options.map(\.name) == ["limit", "mode", "scale"])
        let m = try script.makeMetric(["scale": .double(2), "limit": .int(3)])
        try m.update(["preds": Tensor([1, 2] as [Float])])
        try m.update(["preds": Tensor([5, -1, 0] as [Float])])
        let v = dict(try m.compute())
        // scaled values 2, 4, 10, -2, 0
        #expect(v["total"] == 14)
        #expect(v["largest"] == 10)
        #expect(v["count"] == 5)
        #expect(v["limit"] == 3)
        #expect(v["mode"] == 0)
        #expect(m.state.list("items").count == 2)
        guard case .dict(let d) = try m.compute() else { Issue.record("not a dict"); return }
        #expect(Array(d.keys) == ["count", "largest", "limit", "mode", "spread", "total"])
        // each batch's spread only sees that batch's items (update gets a fresh cat list)
        #expect(m.state["spread"].toDoubles() == [-2, 10])
    }

    @Test func mergeMatchesOneInstance() throws {
        let script = try LuaScript.load(source: statesSource, chunkName: "states.lua")
        let a = try script.makeMetric(), b = try script.makeMetric(), whole = try script.makeMetric()
        try a.update(["preds": Tensor([1, 2] as [Float])])
        try b.update(["preds": Tensor([7, -3] as [Float])])
        try whole.update(["preds": Tensor([1, 2] as [Float])])
        try whole.update(["preds": Tensor([7, -3] as [Float])])
        try a.merge(b)
        #expect(dict(try a.compute()) == dict(try whole.compute()))
        // the custom reducer ran in Lua: [min(1, -3), max(2, 7)]
        #expect(a.state["spread"].toDoubles() == [-3, 7])
        #expect(a.updateCount == 2)
    }

    @Test func checkpointRoundTrip() throws {
        let script = try LuaScript.load(source: statesSource, chunkName: "states.lua")
        let m = try script.makeMetric(["mode": .string("max")])
        try m.update(["preds": Tensor([3, 4] as [Float])])
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.ckpt")
        try m.save(to: url)
        let restored = try script.makeMetric(["mode": .string("max")])
        try restored.load(from: url)
        #expect(restored.updateCount == 1)
        #expect(dict(try restored.compute()) == dict(try m.compute()))
        // other options: refused, metric unchanged
        let other = try script.makeMetric()
        #expect(throws: MetricError.self) { try other.load(from: url) }
        #expect(other.updateCount == 0)
    }

    @Test func forwardReturnsBatchValueAndAccumulates() throws {
        let script = try LuaScript.load(source: rmseSource, chunkName: "rmse.lua")
        let m = try script.makeMetric(["squared": .bool(true)])
        let first = try m.forward(preds: Tensor([0, 0] as [Float]), target: Tensor([1, 3] as [Float]))
        #expect(first.doubleValue == 5) // (1 + 9) / 2
        let second = try m.forward(preds: Tensor([0] as [Float]), target: Tensor([2] as [Float]))
        #expect(second.doubleValue == 4)
        #expect(abs(try #require(try m.compute().doubleValue) - 14.0 / 3.0) < 1e-6)
    }

    @Test func optionErrors() throws {
        let script = try LuaScript.load(source: statesSource, chunkName: "states.lua")
        #expect(throws: MetricError.self) { try script.makeMetric(["scael": .double(2)]) }
        #expect(throws: MetricError.self) { try script.makeMetric(["scale": .string("big")]) }
        #expect(throws: MetricError.self) { try script.makeMetric(["mode": .string("median")]) }
        #expect(throws: MetricError.self) { try script.makeMetric(["limit": .double(1.5)]) }
        do {
            _ = try script.makeMetric(["scael": .double(2)])
        } catch {
            #expect(text(error).contains("state_kinds: option 'scael'"))
            #expect(text(error).contains("limit, mode, scale"))
        }
        let required = try LuaScript.load(source: """
            return metric.define { name = "needs_classes", options = { num_classes = metric.required("int") },
              states = { { "n", tensor.zeros({}), "sum" } }, update = function(s, opt, p, t) end,
              compute = function(s, opt) return tensor.scalar(opt.num_classes) end }
            """, chunkName: "req.lua")
        #expect(throws: MetricError.self) { try required.makeMetric() }
        let m = try required.makeMetric(["num_classes": .int(4)])
        try m.update(preds: Tensor([1] as [Float]), target: Tensor([1] as [Float]))
        #expect(try m.compute().doubleValue == 4)
        // a default of the wrong type in the script itself is a load error with the line
        #expect(throws: LuaError.self) {
            try LuaScript.load(source: "return metric.define { name = 'x', options = { k = metric.optional('int', 'a') }, states = {}, update = print, compute = print }", chunkName: "bad.lua")
        }
    }

    @Test func failedUpdateLeavesStateUnchanged() throws {
        let script = try LuaScript.load(source: rmseSource, chunkName: "rmse.lua")
        let m = try script.makeMetric(["squared": .bool(true)])
        try m.update(preds: Tensor([1] as [Float]), target: Tensor([3] as [Float]))
        let before = m.state.values
        // shape mismatch inside the script, after a state was already reassigned in Lua
        #expect(throws: LuaError.self) { try m.update(preds: Tensor([1, 2] as [Float]), target: Tensor([1, 2, 3] as [Float])) }
        // input rejected by metric.check
        do {
            try m.update(preds: Tensor([1, 2] as [Int64]), target: Tensor([1, 2] as [Int64]))
            Issue.record("int preds accepted")
        } catch let MetricError.invalidInput(metric, argument, expected) {
            #expect(metric == "root_mean_squared_error_demo")
            #expect(argument == "preds")
            #expect(expected == "a floating-point tensor")
        }
        #expect(throws: MetricError.self) { try m.update(["preds": Tensor([1] as [Float])]) }
        #expect(m.updateCount == 1)
        #expect(zip(before, m.state.values).allSatisfy { $0.isIdentical(to: $1) })
        #expect(try m.compute().doubleValue == 4)
    }

    @Test func checksInStatesAreInvalidOptions() throws {
        let script = try LuaScript.load(source: """
            return metric.define {
              name = "topk_demo", options = { k = 1 },
              states = function(opt)
                metric.check(opt.k >= 1, "k", "an integer >= 1")
                return { { "hits", tensor.zeros({}, "int64"), "sum" } }
              end,
              update = function(s, opt, preds, target) s.hits = s.hits + 1 end,
              compute = function(s, opt) return s.hits end,
            }
            """, chunkName: "topk_demo.lua")
        do {
            _ = try script.makeMetric(["k": .int(0)])
            Issue.record("k = 0 accepted")
        } catch let MetricError.invalidOption(metric, option, expected) {
            #expect(metric == "topk_demo" && option == "k" && expected == "an integer >= 1")
        }
        #expect(try script.makeMetric(["k": .int(2)]).options.int("k") == 2)
    }

    @Test func badStatesFromUpdateAreRejected() throws {
        let cases: [(String, String)] = [
            ("s.acc = 'x'", "state 'acc' must be a tensor, got a string"),
            ("s.acc = tensor.zeros({2})", "state 'acc' changed shape from [] to [2]"),
        ]
        for (body, message) in cases {
            let m = try accumulator(update: body).makeMetric()
            do {
                try m.update(["x": Tensor([1] as [Float])])
                Issue.record("accepted: \(body)")
            } catch let LuaError.contract(file, call, m) {
                #expect(file == "probe.lua")
                #expect(call == "update")
                #expect(m == message)
            }
            #expect(m.updateCount == 0)
        }
        // a Lua number for a scalar state is accepted and cast to the declared dtype
        let m = try runUpdate(accumulator(update: "s.acc = s.acc:item() + 2.5"))
        #expect(m.state["acc"].dtype == .float64)
        #expect(try m.compute().doubleValue == 2.5)
    }

    @Test func textInputs() throws {
        let script = try LuaScript.load(source: """
            return metric.define { name = "word_count", inputs = { "preds", "target" },
              states = { { "words", tensor.zeros({}, "int64"), "sum" } },
              update = function(s, opt, preds, target)
                local n = 0
                for _, line in ipairs(preds) do n = n + #line:split() end
                for _, refs in ipairs(target) do for _, r in ipairs(refs) do n = n + #r:split(",") end end
                s.words = s.words + n
              end,
              compute = function(s, opt) return s.words end }
            """, chunkName: "words.lua")
        let m = try script.makeMetric()
        try m.update(MetricInputs(["preds": .strings(["a b  c", " d "]), "target": .stringLists([["x,y"], ["z", ""]])]))
        // 3 + 1 words, then 2 + 1 + 1 comma fields
        #expect(try m.compute().doubleValue == 8)
    }

    @Test func descriptorRegistersAndBuilds() throws {
        let script = try LuaScript.load(source: rmseSource, chunkName: "rmse.lua")
        let registry = MetricRegistry()
        try registry.register(script.descriptor)
        let d = try registry.descriptor("root_mean_squared_error_demo")
        #expect(d.domain == .plugin)
        #expect(d.source == "rmse.lua")
        #expect(d.inputs == ["preds", "target"])
        let m = try registry.make(spec: "root_mean_squared_error_demo:squared=true")
        try m.update(preds: Tensor([0] as [Float]), target: Tensor([3] as [Float]))
        #expect(try m.compute().doubleValue == 9)
        #expect(m.higherIsBetter == false)
    }
}

extension LuaMetricTests {
    /// The guide's first example runs and gives the value the guide states.
    @Test func guideExampleRuns() throws {
        let guide = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Docs/Writing-a-Lua-metric.md")
        let text = try String(contentsOf: guide, encoding: .utf8)
        let start = try #require(text.range(of: "```lua\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let script = try LuaScript.load(source: String(text[start.upperBound..<end.lowerBound]), chunkName: "mape.lua")
        #expect(script.name == "mape_demo")
        let mape = try script.makeMetric()
        try mape.update(preds: Tensor([2.0, 5.0] as [Float]), target: Tensor([1.0, 4.0] as [Float]))
        #expect(abs(try #require(try mape.compute().doubleValue) - 0.625) < 1e-12)
        #expect(throws: MetricError.self) { try mape.update(preds: Tensor([1] as [Float]), target: Tensor([1, 2] as [Float])) }
    }
}
