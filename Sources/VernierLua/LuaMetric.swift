internal import CLuaShim
import Foundation
import OrderedCollections
import VernierCore
import VernierTensor

/// A metric written in Lua: its states are ordinary core ``StateSpec``s, so
/// merge, checkpoints, sync and collections work as for native metrics.
///
/// Each instance owns one sandboxed Lua state. `update` hands the state
/// tensors and the inputs to the script's `update`, then reads the states
/// back and validates them (a tensor of the declared shape, cast to the
/// declared dtype; `cat` items must be tensors) before anything changes: an
/// update that raises, exceeds a limit or returns bad states leaves the
/// metric exactly as it was. The script's update sees, for a `cat` state, a
/// fresh list: the items it appends are appended to the state (`compute`
/// sees every item).
///
/// A script with `uses` builds on registered metrics: they form a
/// ``MetricCollection`` whose states follow the script's own (names
/// `uses/g0/...`). `update` first feeds the members (each gets the inputs it
/// declares), then runs the script's `update` if it has one; `compute` gets
/// each member's value as `used.NAME`. The script's `s` table holds only its
/// own states.
///
/// Errors: ``LuaError`` (naming the file and the call) for script errors and
/// limits; ``MetricError/invalidInput(metric:argument:expected:)`` when the
/// script rejects an input with `metric.check`;
/// ``MetricError/missingInput(metric:argument:)`` for a missing input.
public final class LuaMetric: Metric {
    /// The script this instance runs.
    public let script: LuaScript
    /// The name given to `metric.define`.
    public let name: String
    /// The resolved options (what the script sees as `opt`).
    public let options: MetricOptions
    /// The script's `inputs`.
    public let inputNames: [String]
    /// The script's `optional_inputs` (nil in Lua when absent).
    public let optionalInputNames: [String]
    /// States (declared by the script's `states`), update count, cached value.
    public var storage: MetricStorage
    /// The script's `full_state_update` (default false), or true when a `uses` member needs it.
    public let fullStateUpdate: Bool
    /// False when a `uses` member is not batch invariant.
    public let isBatchInvariant: Bool
    /// The `uses` members (nil without `uses`).
    let used: UsedMetrics?
    /// The number of the script's own states (the `uses` states follow).
    let ownStateCount: Int
    /// The script's `higher_is_better`.
    public let higherIsBetter: Bool?
    let sandbox: LuaSandbox

    /// A new instance of `script` with resolved options (see ``LuaScript/makeMetric(_:)``).
    public convenience init(script: LuaScript, options: MetricOptions) throws {
        try self.init(script: script, sandbox: script.makeSandbox(), options: options)
    }

    init(script: LuaScript, sandbox: LuaSandbox, options: MetricOptions) throws {
        self.script = script
        self.sandbox = sandbox
        let def = script.definition
        name = def.name
        self.options = options
        inputNames = def.inputs
        optionalInputNames = def.optionalInputs
        higherIsBetter = def.higherIsBetter
        let composed = !def.uses.isEmpty
        let specs = try sandbox.protected { s in
            try MetricLibrary.pushOptions(options, s)
            vl_set_slot(s.L, LuaSlot.options.rawValue)
            try s.reserve(4)
            vl_get_slot(s.L, LuaSlot.functions.rawValue)
            s.rawGet(-1, index: 1)
            if s.isFunction(at: -1) {
                vl_get_slot(s.L, LuaSlot.options.rawValue)
                try LuaMetric.call("states", sandbox, nargs: 1, nresults: 1) {
                    MetricError.invalidOption(metric: def.name, option: $0, expected: $1)
                }
            }
            if composed, s.type(at: -1) == LUA_TNIL { return [StateSpec]() }
            return try LuaMetric.readStateDeclarations(s, sandbox: sandbox, metric: def.name, allowEmpty: composed)
        }
        ownStateCount = specs.count
        used = composed ? try UsedMetrics(script: script, metric: def.name, offset: specs.count) : nil
        fullStateUpdate = def.fullStateUpdate || (used?.fullStateUpdate ?? false)
        isBatchInvariant = used?.isBatchInvariant ?? true
        storage = MetricStorage(specs + (used?.specs ?? []))
    }

    /// Calls a script entry point; an error raised by `metric.check(cond,
    /// argument, expected)` becomes `checkFailed(argument, expected)` (a bad
    /// option in `states`, a bad input in `update`), any other error stays a
    /// ``LuaError``.
    static func call(
        _ entry: String, _ sandbox: LuaSandbox, nargs: Int32, nresults: Int32, checkFailed: (String, String) -> MetricError
    ) throws {
        do {
            try sandbox.call(entry, nargs: nargs, nresults: nresults)
        } catch LuaError.runtime(let file, let call, let message, let traceback) {
            if let (argument, expected) = sandbox.failedCheck, message.hasSuffix("argument '\(argument)': expected \(expected)") {
                throw checkFailed(argument, expected)
            }
            throw LuaError.runtime(file: file, call: call, message: message, traceback: traceback)
        }
    }

    /// Parses the list `states` returned (at the top): `{ name, default, reduction }`.
    /// `allowEmpty`: the metric has `uses`, so it may have no states of its own.
    static func readStateDeclarations(_ s: LuaStack, sandbox: LuaSandbox, metric: String, allowEmpty: Bool) throws -> [StateSpec] {
        func fail(_ m: String) -> LuaError { .contract(file: sandbox.file, call: "states", message: m) }
        let list = s.top
        guard s.isTable(at: list) else { throw fail("states must return a list of { name, default, reduction }, got a \(s.typeName(at: list))") }
        let n = s.rawLength(at: list)
        guard n > 0 || allowEmpty else { throw fail("states must declare at least one state (or the metric must have `uses`)") }
        try s.reserve(8)
        s.newTable(array: n)
        let reducers = s.top
        var specs: [StateSpec] = []
        var seen = Set<String>()
        for i in 0..<n {
            s.rawGet(list, index: i + 1)
            let entry = s.top
            guard s.isTable(at: entry) else { throw fail("state \(i + 1) must be a table { name, default, reduction }") }
            s.rawGet(entry, index: 1)
            guard let stateName = s.string(at: -1), MetricLibrary.isIdentifier(stateName) else {
                throw fail("state \(i + 1): the first item must be a name")
            }
            guard seen.insert(stateName).inserted else { throw fail("state '\(stateName)' is declared twice") }
            s.rawGet(entry, index: 2)
            s.rawGet(entry, index: 3)
            let defaultIndex = s.top - 1, reductionIndex = s.top
            if s.string(at: defaultIndex) == "cat" {
                guard s.isNoneOrNil(reductionIndex) else { throw fail("state '\(stateName)': a cat state is { name, \"cat\" }") }
                specs.append(StateSpec(list: stateName))
            } else {
                guard let initial = s.tensor(at: defaultIndex) else {
                    throw fail("state '\(stateName)': the default must be a tensor (or \"cat\" for a list state)")
                }
                let reduction: Reduction
                if s.isFunction(at: reductionIndex) {
                    s.pushValue(reductionIndex)
                    s.rawSet(reducers, index: i + 1)
                    let position = i + 1
                    reduction = .custom(CustomReduction(name: "lua:\(metric).\(stateName)") { [sandbox] tensors in
                        try sandbox.reduce(reducer: position, state: stateName, tensors)
                    })
                } else {
                    switch s.string(at: reductionIndex) {
                    case "sum": reduction = .sum
                    case "mean": reduction = .mean
                    case "min": reduction = .min
                    case "max": reduction = .max
                    default: throw fail("state '\(stateName)': the reduction must be \"sum\", \"mean\", \"min\", \"max\" or a function(list) -> tensor")
                    }
                }
                specs.append(StateSpec(stateName, initial, reduction))
            }
            s.setTop(entry - 1)
        }
        s.pushValue(reducers)
        vl_set_slot(s.L, LuaSlot.reducers.rawValue)
        return specs
    }

    /// Feeds the `uses` members, runs the script's `update` on its states
    /// and the inputs, then validates and writes back the states (nothing
    /// changes when anything fails).
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        for n in inputNames where inputs[n] == nil { throw MetricError.missingInput(metric: name, argument: n) }
        var next = state
        try used?.update(&next, with: inputs, metric: name)
        if script.definition.hasUpdate {
            for (i, v) in try runUpdate(next, with: inputs).enumerated() { try next.setValue(v, at: i, metric: name) }
        }
        state = next
    }

    /// The script's `update` on the own states of `state`: their new values.
    private func runUpdate(_ state: MetricState, with inputs: MetricInputs) throws -> [StateValue] {
        try sandbox.protected { s in
            try s.reserve(Int32(inputNames.count + optionalInputNames.count) + 8)
            let table = try pushStateTable(state, s, forUpdate: true)
            vl_get_slot(s.L, LuaSlot.functions.rawValue)
            s.rawGet(-1, index: 2)
            vl_remove(s.L, -2)
            s.pushValue(table)
            vl_get_slot(s.L, LuaSlot.options.rawValue)
            for n in inputNames {
                guard let v = inputs[n] else { throw MetricError.missingInput(metric: name, argument: n) }
                try push(v, s)
            }
            for n in optionalInputNames {
                if let v = inputs[n] { try push(v, s) } else { s.pushNil() }
            }
            try LuaMetric.call("update", sandbox, nargs: Int32(2 + inputNames.count + optionalInputNames.count), nresults: 0) {
                MetricError.invalidInput(metric: name, argument: $0, expected: $1)
            }
            return try readStates(state, s, table: table)
        }
    }

    /// Computes the `uses` members, then runs the script's `compute` as
    /// `compute(s, opt, used)` and converts its result (see Docs/Lua-API.md).
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let usedValues = try used?.values(from: state, metric: name) ?? []
        return try sandbox.protected { s in
            try s.reserve(8)
            let table = try pushStateTable(state, s, forUpdate: false)
            vl_get_slot(s.L, LuaSlot.functions.rawValue)
            s.rawGet(-1, index: 3)
            vl_remove(s.L, -2)
            s.pushValue(table)
            vl_get_slot(s.L, LuaSlot.options.rawValue)
            s.newTable(record: usedValues.count)
            for (member, value) in usedValues {
                try s.pushMetricValue(value)
                s.rawSet(-2, member)
            }
            try sandbox.call("compute", nargs: 3, nresults: 1)
            return try value(at: s.top, s, depth: 0)
        }
    }

    // MARK: Marshalling

    /// Pushes the `s` table of the script's own states: tensor states as
    /// tensors; `cat` states as their items (compute) or an empty list
    /// (update). Returns its index.
    private func pushStateTable(_ state: MetricState, _ s: LuaStack, forUpdate: Bool) throws -> Int32 {
        s.newTable(record: ownStateCount)
        let table = s.top
        for (spec, v) in zip(state.specs, state.values).prefix(ownStateCount) {
            switch v {
            case .tensor(let t): try s.pushTensor(t, counted: false)
            case .list(let items):
                let shown = forUpdate ? [] : items
                s.newTable(array: shown.count)
                for (k, t) in shown.enumerated() {
                    try s.pushTensor(t, counted: false)
                    s.rawSet(-2, index: k + 1)
                }
            }
            s.rawSet(table, spec.name)
        }
        return table
    }

    private func push(_ input: MetricInput, _ s: LuaStack) throws {
        switch input {
        case .tensor(let t): try s.pushTensor(t, counted: false)
        case .strings(let items):
            try s.ensureListRoom(items.count)
            s.newTable(array: items.count)
            for (k, str) in items.enumerated() {
                s.pushString(str)
                s.rawSet(-2, index: k + 1)
            }
        case .stringLists(let lists):
            try s.ensureListRoom(lists.reduce(lists.count) { $0 + $1.count })
            try s.reserve(3)
            s.newTable(array: lists.count)
            for (k, list) in lists.enumerated() {
                s.newTable(array: list.count)
                for (j, str) in list.enumerated() {
                    s.pushString(str)
                    s.rawSet(-2, index: j + 1)
                }
                s.rawSet(-2, index: k + 1)
            }
        }
    }

    /// Reads the states back from the `s` table after update and checks them
    /// against the declarations (nothing is written yet).
    private func readStates(_ state: MetricState, _ s: LuaStack, table: Int32) throws -> [StateValue] {
        func fail(_ m: String) -> LuaError { .contract(file: script.file, call: "update", message: m) }
        var out: [StateValue] = []
        for (spec, old) in zip(state.specs, state.values).prefix(ownStateCount) {
            let type = s.rawGet(table, spec.name)
            defer { s.pop() }
            switch old {
            case .tensor(let current):
                let t: Tensor
                if let x = s.tensor(at: -1) {
                    t = x
                } else if type == LUA_TNUMBER, current.isScalar {
                    t = s.isInteger(at: -1) ? Tensor.scalar(s.integer(at: -1)!) : Tensor.scalar(s.number(at: -1)!, dtype: .float64)
                } else {
                    throw fail("state '\(spec.name)' must be a tensor, got a \(s.typeName(at: -1))")
                }
                guard t.shape == current.shape else {
                    throw fail("state '\(spec.name)' changed shape from \(current.shape) to \(t.shape)")
                }
                out.append(.tensor(t.cast(current.dtype)))
            case .list(let items):
                guard type == LUA_TTABLE else { throw fail("cat state '\(spec.name)' must stay a list, got a \(s.typeName(at: -1))") }
                let list = s.top
                var added: [Tensor] = []
                for k in 0..<s.rawLength(at: list) {
                    s.rawGet(list, index: k + 1)
                    defer { s.pop() }
                    guard let t = s.tensor(at: -1) else {
                        throw fail("cat state '\(spec.name)': item \(k + 1) is a \(s.typeName(at: -1)), expected a tensor")
                    }
                    added.append(t)
                }
                out.append(.list(items + added))
            }
        }
        return out
    }

    /// A compute result: a tensor, a number, a list, or a table of named values.
    private func value(at i: Int32, _ s: LuaStack, depth: Int) throws -> MetricValue {
        func fail(_ m: String) -> LuaError { .contract(file: script.file, call: "compute", message: m) }
        if let t = s.tensor(at: i) { return .tensor(t) }
        switch s.type(at: i) {
        case LUA_TNUMBER:
            return .tensor(s.isInteger(at: i) ? Tensor.scalar(s.integer(at: i)!) : Tensor.scalar(s.number(at: i)!, dtype: .float64))
        case LUA_TBOOLEAN: return .tensor(Tensor([s.bool(at: i)!], shape: []))
        case LUA_TTABLE:
            guard depth < 8 else { throw fail("the result nests tables more than 8 levels deep") }
            try s.reserve(4)
            let n = s.rawLength(at: i)
            if n > 0 {
                var items: [MetricValue] = []
                for k in 0..<n {
                    s.rawGet(i, index: k + 1)
                    defer { s.pop() }
                    items.append(try value(at: s.top, s, depth: depth + 1))
                }
                return .list(items)
            }
            var named: [(String, MetricValue)] = []
            try s.forEachPair(i) {
                guard let key = s.string(at: -2) else { throw fail("a result table must be a list or have string keys") }
                named.append((key, try value(at: s.top, s, depth: depth + 1)))
            }
            return .dict(OrderedDictionary(uniqueKeysWithValues: named.sorted { $0.0 < $1.0 }))
        default:
            throw fail("compute must return a tensor, a number, a list or a table of named values, got a \(s.typeName(at: i))")
        }
    }
}

extension LuaSandbox {
    /// Runs the custom reducer of the state at `reducer` (1-based) over the
    /// per-instance tensors (rank order).
    func reduce(reducer: Int, state: String, _ tensors: [Tensor]) throws -> Tensor {
        try protected { s in
            try s.reserve(4)
            vl_get_slot(L, LuaSlot.reducers.rawValue)
            s.rawGet(-1, index: reducer)
            vl_remove(L, -2)
            s.newTable(array: tensors.count)
            for (k, t) in tensors.enumerated() {
                try s.pushTensor(t, counted: false)
                s.rawSet(-2, index: k + 1)
            }
            let call = "reduce state '\(state)'"
            try self.call(call, nargs: 1, nresults: 1)
            guard let t = s.tensor(at: -1) else {
                throw LuaError.contract(file: file, call: call, message: "the reducer must return a tensor, got a \(s.typeName(at: -1))")
            }
            return t
        }
    }
}
