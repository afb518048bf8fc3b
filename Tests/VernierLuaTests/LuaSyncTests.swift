import Foundation
import Testing
import VernierCore
import VernierLua
import VernierTensor

/// A Lua metric syncs over ranks like any metric, custom reducers written
/// in Lua included (each rank runs its own Lua state).
@Test func luaMetricWithLuaReducerSyncsOverRanks() throws {
    let source = """
    return metric.define {
      name = "sum_and_largest",
      inputs = { "value" },
      states = function(opt) return {
        { "total", tensor.zeros({}, "float64"), "sum" },
        { "largest", tensor.full({}, -math.huge, "float64"), function(list)
            local best = list[1]
            for i = 2, #list do best = best:maximum(list[i]) end
            return best
          end },
        { "seen", "cat" },
      } end,
      update = function(s, opt, value)
        s.total = s.total + value:double():sum()
        s.largest = s.largest:maximum(value:double():max())
        table.insert(s.seen, value:double())
      end,
      compute = function(s, opt)
        return { total = s.total, largest = s.largest, count = tensor.scalar(tensor.cat(s.seen):numel()) }
      end,
    }
    """
    let script = try LuaScript.load(source: source, chunkName: "sum_and_largest.lua")
    // Rank r holds the values r*3+1 ... r*3+3; over 3 ranks: 1...9, total 45, largest 9.
    let results = InProcessBackend.run(worldSize: 3) { backend -> [Double] in
        let m = try script.makeMetric()
        let base = Double(backend.rank * 3)
        try m.update(["value": Tensor([base + 1, base + 2, base + 3] as [Double])])
        guard case .dict(let d) = try m.syncedCompute(over: backend, deadline: .seconds(30)) else { return [] }
        return [d["total"]?.doubleValue ?? .nan, d["largest"]?.doubleValue ?? .nan, d["count"]?.doubleValue ?? .nan]
    }
    for (rank, r) in results.enumerated() {
        #expect(try r.get() == [45, 9, 9], "rank \(rank)")
    }
}
