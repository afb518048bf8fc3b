import Foundation
import Testing
import VernierCore
import VernierTensor
@testable import VernierLua

/// Limits for attack tests: a 50 ms deadline and a 4 MiB heap.
let attackLimits = LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 50_000_000, secondsPerCall: 0.05)

/// Runs `attack` as the body of update on a fresh probe metric and returns
/// the error. Then checks the host is unharmed: the metric's state is
/// unchanged and a normal update still works on the same Lua state.
func attackError(_ attack: String, limits: LuaLimits = attackLimits) throws -> Error? {
    let script = try accumulator(update: "if x:numel() == 3 then \(attack) end\ns.acc = s.acc + x:double():sum()", limits: limits)
    let m = try script.makeMetric()
    try m.update(["x": Tensor([5] as [Float])])
    var caught: Error?
    do { try m.update(["x": Tensor([1, 2, 3] as [Float])]) } catch { caught = error }
    // a failed update changed nothing; a successful one added 1 + 2 + 3
    let done = caught == nil ? 6.0 : 0
    #expect(m.updateCount == (caught == nil ? 2 : 1))
    #expect(m.state["acc"].toDoubles() == [5 + done])
    try m.update(["x": Tensor([7] as [Float])])
    #expect(try m.compute().doubleValue == 12 + done)
    return caught
}

func expectLimit(_ error: Error?, _ limit: LuaLimit, sourceLocation: SourceLocation = #_sourceLocation) {
    guard case let LuaError.limitExceeded(file, call, l, _)? = error else {
        Issue.record("expected the \(limit) limit, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    #expect(file == "probe.lua", sourceLocation: sourceLocation)
    #expect(call == "update", sourceLocation: sourceLocation)
    #expect(l == limit, sourceLocation: sourceLocation)
}

func expectRuntime(_ error: Error?, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard case let LuaError.runtime(file, _, message, _)? = error else {
        Issue.record("expected a runtime error, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    #expect(file == "probe.lua", sourceLocation: sourceLocation)
    #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
}

@Suite struct SandboxPolicyTests {
    @Test func everyAllowedNameIsPresent() throws {
        let policy = SandboxPolicy.standard
        var checks = policy.baseFunctions.map { "\($0) ~= nil" }
        for (lib, names) in policy.libraries { checks += names.map { "\(lib).\($0) ~= nil" } }
        for check in checks {
            #expect(try doubles(evaluate("return (\(check)) and 1 or 0")) == [1], "\(check)")
        }
    }

    @Test func everyRemovedNameIsAbsent() throws {
        let expressions = SandboxPolicy.standard.removed.keys.sorted()
            + ["string.find and string.match", "getmetatable('').__index", "rawget(string, 'dump')", "package", "io", "os", "debug"]
        for e in expressions {
            #expect(try doubles(evaluate("return (\(e)) == nil and 1 or 0")) == [1], "\(e)")
        }
    }

    @Test func patternsAreRefusedAndPlainFindWorks() throws {
        #expect(try doubles(evaluate("local a, b = ('hello world'):find('o w', 1, true); return tensor.new({a, b})")) == [5, 7])
        #expect(try doubles(evaluate("return ('abc'):find('x', 1, true) == nil and 1 or 0")) == [1])
        #expect(try doubles(evaluate("local p = ('a,b,,c'):split(','); return tensor.new({#p, #p[3]})")) == [4, 0])
        #expect(try doubles(evaluate("return (('  x y '):trim() == 'x y' and ('abc'):starts_with('ab') and ('abc'):ends_with('bc')) and 1 or 0")) == [1])
        let started = Date()
        expectRuntime(try attackError("string.find(('a'):rep(5000), '.-.-.-b')"), containing: "Lua patterns are disabled")
        expectRuntime(try attackError("local _ = ('a'):rep(600):match('.-.-.-b')"), containing: "method 'match'")
        expectRuntime(try attackError("local _ = ('a'):rep(600):gsub('.-.-.-b', '')"), containing: "method 'gsub'")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func randomIsDeterministic() throws {
        let body = "return tensor.new({math.random(1, 1000000), math.random(1, 1000000), math.random()})"
        let a = try doubles(evaluate(body)), b = try doubles(evaluate(body))
        #expect(a == b)
        #expect(a?.count == 3)
    }

    @Test func printAndWarnGoToTheHostLogger() throws {
        let log = LogCollector()
        let m = try runUpdate(accumulator(update: "print('batch', x:numel(), nil); warn('careful')", log: log.handler))
        _ = m
        #expect(log.all == ["print: batch\t3\tnil", "warn: careful"])
    }
}

@Suite struct SandboxSecurityTests {
    @Test func noFileProcessModuleOrDebugAccess() throws {
        for attack in ["io.open('/etc/passwd')", "os.execute('true')", "require('os')", "package.loadlib('x', 'y')",
                       "debug.sethook()", "load('return 1')()", "loadfile('/etc/passwd')", "dofile('/etc/passwd')",
                       "collectgarbage('stop')", "string.dump(print)", "_G.os.exit()"] {
            expectRuntime(try attackError(attack), containing: "attempt to")
        }
    }

    @Test func bytecodeChunksAreRefused() throws {
        let bytecode = "\u{1B}Lua\u{54}\u{00}\u{19}\u{93}\r\n\u{1A}\n"
        #expect {
            try LuaScript.load(source: bytecode, chunkName: "evil.lua")
        } throws: { error in
            guard case let LuaError.load(file, message) = error else { return false }
            return file == "evil.lua" && message.contains("attempt to load a binary chunk")
        }
    }

    @Test func syntaxErrorsNameFileAndLine() throws {
        #expect {
            try LuaScript.load(source: "local x = 1\nlocal y = = 2\n", chunkName: "typo.lua")
        } throws: { error in
            guard case let LuaError.load(file, message) = error else { return false }
            return file == "typo.lua" && message.hasPrefix("typo.lua:2:")
        }
    }

    @Test func libraryTablesAreReadOnly() throws {
        for attack in ["string.len = nil", "rawset(string, 'len', nil)", "table.insert = print", "math.pi = 3",
                       "setmetatable(string, {})", "tensor.zeros = nil", "metric.define = nil", "getmetatable(string).__index = {}",
                       "new_global = 1", "local mt = getmetatable(tensor.zeros({})); mt.__add = nil"] {
            let error = try attackError(attack)
            #expect(error != nil, "\(attack)")
        }
        // another plugin (its own state) is unaffected, and so is the same one after a failed attempt
        let other = try accumulator(update: "pcall(function() string.len = function() return 99 end end); s.acc = s.acc + ('abc'):len()")
        let m = try other.makeMetric()
        try m.update(["x": Tensor([1] as [Float])])
        #expect(try m.compute().doubleValue == 3)
        #expect(try doubles(evaluate("return tensor.scalar(('abcd'):len())")) == [4])
    }

    @Test func stringMetatableIsProtected() throws {
        #expect(try doubles(evaluate("return getmetatable('') == 'string' and 1 or 0")) == [1])
        expectRuntime(try attackError("setmetatable('', {})"), containing: "bad argument #1")
        expectRuntime(try attackError("getmetatable('').__index.rep = nil"), containing: "attempt to index")
    }

    @Test func infiniteLoopsHitTheDeadline() throws {
        let started = Date()
        expectLimit(try attackError("while true do end"), .time)
        expectLimit(try attackError("while true do pcall(function() while true do end end) end"), .time)
        expectLimit(try attackError("while true do xpcall(function() while true do end end, function() while true do end end) end"), .time)
        expectLimit(try attackError("coroutine.wrap(function() while true do end end)()"), .time)
        expectLimit(try attackError("local co = coroutine.create(function() while true do end end); while true do coroutine.resume(co) end"), .time)
        expectLimit(try attackError("for i = 1, math.maxinteger do local _ = tostring(i) end"), .time)
        expectLimit(try attackError("local x <close> = setmetatable({}, {__close = function() while true do end end}); error('boom')"), .time)
        expectLimit(try attackError("do local x <close> = setmetatable({}, {__close = function() while true do end end}) end"), .time)
        expectLimit(try attackError("while true do local ok = pcall(function() local x <close> = setmetatable({}, {__close = function() while true do end end}); error('e') end) end"), .time)
        #expect(Date().timeIntervalSince(started) < 5)
        // and the instruction budget when the deadline is generous
        expectLimit(try attackError("while true do end", limits: LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 100_000, secondsPerCall: 10)), .instructions)
    }

    @Test func hostTensorsCannotBeKeptAcrossCalls() throws {
        let script = try LuaScript.load(source: """
            local kept = {}
            return metric.define { name = "hoarder", inputs = { "x" },
              states = { { "v", tensor.zeros({}), "sum" } },
              update = function(s, opt, x)
                for _, old in ipairs(kept) do s.v = s.v + old:sum() end
                kept[#kept + 1] = x
                kept[#kept + 1] = s.v
                kept[#kept + 1] = x * 2
              end,
              compute = function(s, opt) return s.v end }
            """, chunkName: "hoarder.lua", limits: attackLimits)
        let m = try script.makeMetric()
        try m.update(["x": Tensor([1] as [Float])])
        #expect { try m.update(["x": Tensor([1] as [Float])]) } throws: { error in
            guard case let LuaError.runtime(_, _, message, _) = error else { return false }
            return message.contains("hoarder.lua:5: tensor.sum: argument #1: expected a tensor, got released tensor")
        }
        #expect(m.updateCount == 1)
        // tensors the script made itself stay valid: only host tensors are released
        #expect(try doubles(evaluate("local t = tensor.ones({2}); local u = t * 2; return u")) == [2, 2])
    }

    @Test func longCLoopsAreUnreachable() throws {
        let started = Date()
        let huge = "setmetatable({}, {__len = function() return math.maxinteger - 1 end})"
        expectRuntime(try attackError("table.insert(\(huge), 1, 'x')"), containing: "tables with a __len metamethod are not supported")
        expectRuntime(try attackError("table.remove(\(huge), 1)"), containing: "tables with a __len metamethod are not supported")
        expectRuntime(try attackError("table.move({}, 1, math.maxinteger - 1, 2)"), containing: "attempt to call a nil value (field 'move')")
        expectRuntime(try attackError("table.concat(\(huge))"), containing: "invalid value (nil) at index 1 in table for 'concat'")
        expectRuntime(try attackError("table.unpack({}, 1, 1e8)"), containing: "too many results")
        #expect(Date().timeIntervalSince(started) < 5)
        // ordinary use still works
        #expect(try doubles(evaluate("local t = {1, 3}; table.insert(t, 2, 2); table.insert(t, 4); local r = table.remove(t, 1); return tensor.new({r, #t, t[1], t[3]})")) == [1, 3, 2, 4])
    }

    @Test func loopsInCustomReducerAndComputeAreStopped() throws {
        let script = try LuaScript.load(source: """
            return metric.define { name = "loops", inputs = { "x" },
              states = { { "v", tensor.zeros({}), function(list) while true do end end } },
              update = function(s, opt, x) s.v = s.v + x:sum() end,
              compute = function(s, opt) while true do end end }
            """, chunkName: "loops.lua", limits: attackLimits)
        let a = try script.makeMetric(), b = try script.makeMetric()
        try a.update(["x": Tensor([1] as [Float])])
        try b.update(["x": Tensor([2] as [Float])])
        #expect { try a.merge(b) } throws: { error in
            if case let LuaError.limitExceeded(file, call, limit, _) = error { return file == "loops.lua" && call == "reduce state 'v'" && limit == .time }
            return false
        }
        #expect(a.state["v"].toDoubles() == [1])
        #expect { try a.compute() } throws: { error in
            if case let LuaError.limitExceeded(_, call, limit, _) = error { return call == "compute" && limit == .time }
            return false
        }
    }

    @Test func memoryBombsHitTheHeapLimit() throws {
        // a generous deadline, so the heap is what stops them
        let heapOnly = LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 1_000_000_000, secondsPerCall: 20)
        func expectHeap(_ attack: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            expectLimit(try attackError(attack, limits: heapOnly), .heap, sourceLocation: sourceLocation)
        }
        try expectHeap("local t = {}; while true do t[#t + 1] = {} end")
        try expectHeap("local t = {}; for i = 1, 1e7 do t[i] = tostring(i) end; table.concat(t)")
        try expectHeap("local s = string.rep('x', 1 << 30)")
        try expectHeap("local s = 'x'; while true do s = s .. s end")
        try expectHeap("local t = {}; for i = 1, 1e9 do t[i] = i end")
        try expectHeap("local s = string.rep('x', 1 << 20, ',')")
    }

    @Test func tensorBombsHitTheTensorBudget() throws {
        expectLimit(try attackError("tensor.zeros({1e12})"), .tensorBytes)
        expectRuntime(try attackError("tensor.zeros({1 << 40, 1 << 40})"), containing: "has too many elements")
        expectLimit(try attackError("local keep = {}; for i = 1, 1000 do keep[i] = tensor.ones({1 << 18}) end"), .tensorBytes)
        expectLimit(try attackError("local a = tensor.zeros({1 << 15, 1}); local b = tensor.zeros({1, 1 << 15}); local c = a + b"), .tensorBytes)
        expectLimit(try attackError("local t = tensor.ones({1 << 20}); tensor.cat({t, t, t, t, t, t, t, t, t, t, t, t, t, t, t, t, t, t, t, t})"), .tensorBytes)
        expectLimit(try attackError("local idx = {}; for i = 1, 1000 do idx[i] = 0 end; tensor.ones({1, 1 << 16}):index_select(0, idx)"), .tensorBytes)
        expectLimit(try attackError("tensor.arange(0, 1e15)"), .tensorBytes)
        // garbage is collected before refusing: 100 temporaries of 1 MiB fit an 8 MiB budget
        let slow = LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 50_000_000, secondsPerCall: 20)
        #expect(try attackError("for i = 1, 100 do local t = tensor.ones({1 << 18}) end", limits: slow) == nil)
        expectRuntime(try attackError("tensor.ones({1 << 21}):tolist()"), containing: "do not fit in the free Lua heap")
        expectRuntime(try attackError("tensor.ones({1 << 23}, 'bool'):tolist()", limits: slow), containing: "exceed the list limit of 4194304")
        expectRuntime(try attackError("local t = {}; local c = t; for i = 1, 100 do c[1] = {}; c = c[1] end; tensor.new(t)"), containing: "nested levels")
    }

    @Test func deepRecursionIsAnError() throws {
        // the Lua stack grows in the Lua heap: a small heap stops it first, a large one at Lua's stack limit
        let smallHeap = LuaLimits(heapBytes: 4 << 20, tensorBytes: 8 << 20, instructionsPerCall: 1_000_000_000, secondsPerCall: 20)
        expectLimit(try attackError("local function f(n) return f(n + 1) + 1 end; f(1)", limits: smallHeap), .heap)
        let bigHeap = LuaLimits(heapBytes: 256 << 20, tensorBytes: 8 << 20, instructionsPerCall: 1_000_000_000, secondsPerCall: 20)
        expectRuntime(try attackError("local function f(n) return f(n + 1) + 1 end; f(1)", limits: bigHeap), containing: "stack overflow")
        expectRuntime(try attackError("local t = setmetatable({}, {}); getmetatable(t).__index = function(t, k) return t[k] end; local _ = t.x"), containing: "stack overflow")
        expectRuntime(try attackError("local function f() pcall(f); error('deep') end; f()"), containing: "deep")
        expectRuntime(try attackError("local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}); tostring(t)"), containing: "stack overflow")
    }

    @Test func finalizersAreRefused() throws {
        expectRuntime(try attackError("setmetatable({}, {__gc = function() while true do end end})"), containing: "__gc finalizers are not allowed")
        // adding __gc after setmetatable does not mark the table for finalization (Lua 5.4): closing must not hang
        let started = Date()
        #expect(try attackError("local mt = {}; local t = setmetatable({}, mt); mt.__gc = function() while true do end end; error('done')") != nil)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func errorsWithLoopingTostringDoNotHang() throws {
        let started = Date()
        expectRuntime(try attackError("error(setmetatable({}, {__tostring = function() while true do end end}))"), containing: "(error object is a table value)")
        expectRuntime(try attackError("error(nil)"), containing: "(error object is a nil value)")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func optionsAndEnvironmentAreReadOnly() throws {
        let script = try LuaScript.load(source: """
            return metric.define { name = "opts", inputs = { "x" }, options = { k = 2 },
              states = { { "v", tensor.zeros({}), "sum" } },
              update = function(s, opt, x) if x:numel() > 1 then opt.k = 100 end; s.v = s.v + x:sum() * opt.k end,
              compute = function(s, opt) return s.v end }
            """, chunkName: "opts.lua", limits: attackLimits)
        let m = try script.makeMetric()
        #expect { try m.update(["x": Tensor([1, 2] as [Float])]) } throws: { error in
            if case let LuaError.runtime(_, _, message, _) = error { return message.hasPrefix("opts.lua:3: attempt to modify read-only table 'options'") }
            return false
        }
        try m.update(["x": Tensor([3] as [Float])])
        #expect(try m.compute().doubleValue == 6)
        expectRuntime(try attackError("leaked = x"), containing: "assignment to global 'leaked' after the script was loaded")
    }

    @Test func hostFunctionMisuseIsAnError() throws {
        expectRuntime(try attackError("tensor.sum('x')"), containing: "tensor.sum: argument #1: expected a tensor, got string")
        expectRuntime(try attackError("local t = tensor.zeros({}); t.sum({})"), containing: "expected a tensor, got table")
        expectRuntime(try attackError("metric.define({ name = 'again', states = {}, update = print, compute = print })"), containing: "called twice")
        expectRuntime(try attackError("local _ = tensor.zeros({}) + 'a'"), containing: "expected a tensor or a number")
        expectRuntime(try attackError("local _ = tensor.zeros({}) < tensor.zeros({})"), containing: "attempt to compare two tensor values")
    }
}
