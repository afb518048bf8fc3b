internal import CLuaShim
import VernierCore

/// What `metric.define` declared, validated.
struct LuaMetricDefinition: Sendable {
    let name: String
    let summary: String
    let higherIsBetter: Bool?
    let fullStateUpdate: Bool
    let inputs: [String]
    let optionalInputs: [String]
    /// Sorted by name (Lua tables have no order; options order is part of a
    /// checkpoint's identity).
    let options: [OptionSpec]
    /// The limits the script asked for (nil: the host's value).
    let requestedHeapBytes: Int?
    let requestedTensorBytes: Int?
    let requestedInstructions: Int?
    let requestedSeconds: Double?
    /// The `uses` members, sorted by member name (Lua tables have no order;
    /// the order fixes the state layout).
    let uses: [LuaUse]
    /// False when a script with `uses` has no `update` of its own.
    let hasUpdate: Bool
}

/// One `uses` member: what `metric.builtin` asked for, and where.
struct LuaUse: Sendable {
    /// The key in `uses` (the member's name in `used`).
    let member: String
    /// The registry name given to `metric.builtin`.
    let metric: String
    /// The options given to `metric.builtin`, by name.
    let options: [String: OptionValue]
    /// `chunk:line:` of the `metric.builtin` call, for messages.
    let location: String
}

/// The `metric` library: `metric.define`, the option-spec helpers
/// `metric.required`, `metric.optional`, `metric.choice`, `metric.builtin`
/// (a metric to build on, see `uses`), `metric.check`, and `metric.import`
/// (a helper module, see ``LuaImporter``).
enum MetricLibrary {
    static let keys: Set<String> = [
        "name", "summary", "higher_is_better", "full_state_update", "inputs", "optional_inputs", "options",
        "states", "update", "compute", "limits", "uses",
    ]
    static let optionKinds = ["bool", "int", "number", "string", "numbers", "ints", "any"]
    static let limitKeys: Set<String> = ["heap_bytes", "tensor_bytes", "instructions", "seconds"]

    static func install(in stack: LuaStack) throws {
        try stack.reserve(8)
        stack.newTable()
        let marker = stack.top
        stack.pushBool(false)
        stack.rawSet(marker, "__metatable")
        vl_set_slot(stack.L, LuaSlot.optionMarker.rawValue)
        stack.newTable()
        stack.pushBool(false)
        stack.rawSet(-2, "__metatable")
        vl_set_slot(stack.L, LuaSlot.useMarker.rawValue)

        stack.newTable(record: 7)
        let lib = stack.top
        stack.sandbox.pushHostFunction("metric.define") { s in try define(LuaArguments(stack: s)) }
        stack.rawSet(lib, "define")
        stack.sandbox.pushHostFunction("metric.required") { s in
            try optionSpec(LuaArguments(stack: s), kind: LuaArguments(stack: s).kindName(1), required: true)
        }
        stack.rawSet(lib, "required")
        stack.sandbox.pushHostFunction("metric.optional") { s in
            try optionSpec(LuaArguments(stack: s), kind: LuaArguments(stack: s).kindName(1), required: false, defaultAt: 2)
        }
        stack.rawSet(lib, "optional")
        stack.sandbox.pushHostFunction("metric.choice") { s in
            try optionSpec(LuaArguments(stack: s), kind: "choice", required: false, choicesAt: 1, defaultAt: 2)
        }
        stack.rawSet(lib, "choice")
        stack.sandbox.pushHostFunction("metric.builtin") { s in try builtin(LuaArguments(stack: s)) }
        stack.rawSet(lib, "builtin")
        stack.sandbox.pushHostFunction(nil) { s in try check(LuaArguments(stack: s)) }
        stack.rawSet(lib, "check")
        try LuaImporter.install(in: stack, library: lib)
        vl_freeze(stack.L, "metric")
        vl_push_base_table(stack.L)
        stack.pushValue(lib)
        stack.rawSet(-2, "metric")
        stack.pop(2)
    }

    // MARK: metric.check

    /// `metric.check(cond, argument, expected)`: returns true, or raises
    /// "NAME: argument 'ARG': expected EXPECTED" (reported to Swift callers
    /// as `MetricError.invalidInput`).
    static func check(_ a: LuaArguments) throws -> Int32 {
        let argument = a.stack.string(at: 2) ?? "?"
        let expected = a.stack.string(at: 3) ?? "?"
        if lua_toboolean(a.stack.L, 1) != 0 {
            a.stack.pushBool(true)
            return 1
        }
        let name = a.stack.sandbox.definition?.name ?? a.stack.sandbox.file
        a.stack.sandbox.failedCheck = (argument, expected)
        throw LuaBindingError("\(name): argument '\(argument)': expected \(expected)")
    }

    // MARK: Option specs

    /// A table `{kind=, required=, default=, choices=}` marked by the
    /// option-spec metatable, read back by `define`.
    static func optionSpec(
        _ a: LuaArguments, kind: String, required: Bool, choicesAt: Int32? = nil, defaultAt: Int32? = nil
    ) throws -> Int32 {
        let s = a.stack
        let defaultIndex = defaultAt.flatMap { a.isAbsent($0) ? nil : $0 }
        try s.reserve(6)
        if let c = choicesAt {
            guard s.isTable(at: c), s.rawLength(at: c) > 0 else { throw a.fail(c, "a non-empty list of strings") }
            for k in 1...s.rawLength(at: c) {
                s.rawGet(c, index: k)
                defer { s.pop() }
                guard s.string(at: -1) != nil else { throw a.fail(c, "a list of strings") }
            }
        }
        s.newTable(record: 4)
        let spec = s.top
        s.pushString(kind)
        s.rawSet(spec, "kind")
        s.pushBool(required)
        s.rawSet(spec, "required")
        if let c = choicesAt {
            s.pushValue(c)
            s.rawSet(spec, "choices")
        }
        if let d = defaultIndex {
            s.pushValue(d)
            s.rawSet(spec, "default")
        }
        vl_get_slot(s.L, LuaSlot.optionMarker.rawValue)
        lua_setmetatable(s.L, spec)
        return 1
    }

    static func isOptionSpec(_ s: LuaStack, _ i: Int32) -> Bool {
        guard s.isTable(at: i), lua_getmetatable(s.L, i) != 0 else { return false }
        vl_get_slot(s.L, LuaSlot.optionMarker.rawValue)
        defer { s.pop(2) }
        return lua_rawequal(s.L, -1, -2) != 0
    }

    // MARK: metric.builtin

    /// `metric.builtin(name, options)`: a `uses` entry `{metric=, options=,
    /// where=}` marked by the use metatable. The name is looked up when an
    /// instance is made (the registry may gain plugins after this script
    /// loads); option values are checked for type here, so a bad one points
    /// at this line.
    static func builtin(_ a: LuaArguments) throws -> Int32 {
        let s = a.stack
        guard s.type(at: 1) == LUA_TSTRING, let name = s.string(at: 1), isIdentifier(name) else {
            throw a.fail(1, "a metric name (a registered built-in or plugin)")
        }
        let hasOptions = !a.isAbsent(2)
        if hasOptions {
            guard s.isTable(at: 2) else { throw a.fail(2, "a table of options") }
            _ = try useOptions(s, at: 2, metric: name)
        }
        try s.reserve(4)
        s.newTable(record: 3)
        let entry = s.top
        s.pushString(name)
        s.rawSet(entry, "metric")
        // The caller's position: level 1 is the Lua function calling metric.builtin.
        luaL_where(s.L, 1)
        s.rawSet(entry, "where")
        if hasOptions {
            s.pushValue(2)
            s.rawSet(entry, "options")
        }
        vl_get_slot(s.L, LuaSlot.useMarker.rawValue)
        lua_setmetatable(s.L, entry)
        return 1
    }

    /// The options table at `i` as option values by name.
    static func useOptions(_ s: LuaStack, at i: Int32, metric: String) throws -> [String: OptionValue] {
        var out: [String: OptionValue] = [:]
        try s.forEachPair(i) {
            guard s.type(at: -2) == LUA_TSTRING, let key = s.string(at: -2), isIdentifier(key) else {
                throw LuaBindingError("options of '\(metric)': names must be identifiers, got a \(s.typeName(at: -2))")
            }
            guard let v = optionValue(s, -1) else {
                throw LuaBindingError("options of '\(metric)': '\(key)' must be a boolean, a number, a string or a list of numbers, got a \(s.typeName(at: -1))")
            }
            out[key] = v
        }
        return out
    }

    static func isUse(_ s: LuaStack, _ i: Int32) -> Bool {
        guard s.isTable(at: i), lua_getmetatable(s.L, i) != 0 else { return false }
        vl_get_slot(s.L, LuaSlot.useMarker.rawValue)
        defer { s.pop(2) }
        return lua_rawequal(s.L, -1, -2) != 0
    }

    /// The `uses` field at the top (popping it), sorted by member name.
    static func readUses(_ s: LuaStack, _ type: Int32, metric: String) throws -> [LuaUse] {
        defer { s.pop() }
        if type == LUA_TNIL { return [] }
        let accepted = "a table of name = metric.builtin(...)"
        guard type == LUA_TTABLE else { throw LuaBindingError("field 'uses' must be \(accepted)") }
        var uses: [LuaUse] = []
        try s.reserve(6)
        try s.forEachPair(s.top) {
            guard s.type(at: -2) == LUA_TSTRING, let member = s.string(at: -2), isIdentifier(member) else {
                throw LuaBindingError("field 'uses' must be \(accepted); a key is a \(s.typeName(at: -2)), not a name")
            }
            let entry = s.top
            guard isUse(s, entry) else {
                throw LuaBindingError("uses.\(member) must be made by metric.builtin(name, options), got a \(s.typeName(at: entry))")
            }
            s.rawGet(entry, "metric")
            let used = s.string(at: -1) ?? ""
            s.rawGet(entry, "where")
            // luaL_where ends with a space; messages add their own.
            let location = String((s.string(at: -1) ?? "").reversed().drop { $0 == " " }.reversed())
            s.pop(2)
            guard used != metric else {
                throw LuaBindingError("uses.\(member): a metric cannot use itself (\(location) metric.builtin(\"\(used)\"))")
            }
            var options: [String: OptionValue] = [:]
            if s.rawGet(entry, "options") == LUA_TTABLE { options = try useOptions(s, at: s.top, metric: used) }
            s.pop()
            uses.append(LuaUse(member: member, metric: used, options: options, location: location))
        }
        return uses.sorted { $0.member < $1.member }
    }

    // MARK: metric.define

    static func define(_ a: LuaArguments) throws -> Int32 {
        let s = a.stack
        let sandbox = s.sandbox
        guard sandbox.definition == nil else { throw LuaBindingError("called twice; a script defines one metric") }
        if let module = sandbox.importer.running.last {
            throw LuaBindingError("called while module '\(module)' loads; a module returns helpers, the script defines the metric")
        }
        guard s.isTable(at: 1) else { throw a.fail(1, "a table") }
        try s.reserve(12)
        let def: Int32 = 1
        try s.forEachPair(def) {
            guard let key = s.string(at: -2) else { throw LuaBindingError("keys must be strings, got a \(s.typeName(at: -2))") }
            guard keys.contains(key) else {
                throw LuaBindingError("unknown field '\(key)' (accepted: \(keys.sorted().joined(separator: ", ")))")
            }
        }
        func field(_ key: String) -> Int32 { s.rawGet(def, key) }

        guard field("name") == LUA_TSTRING, let name = s.string(at: -1), isIdentifier(name) else {
            throw LuaBindingError("field 'name' must be a string of letters, digits and '_' (not starting with a digit)")
        }
        s.pop()
        let summary = try optionalString(s, field("summary"), "summary") ?? ""
        let higher = try optionalBool(s, field("higher_is_better"), "higher_is_better")
        let fullState = try optionalBool(s, field("full_state_update"), "full_state_update") ?? false
        let inputs = try nameList(s, field("inputs"), "inputs") ?? ["preds", "target"]
        guard !inputs.isEmpty else { throw LuaBindingError("field 'inputs' must not be empty") }
        let optionalInputs = try nameList(s, field("optional_inputs"), "optional_inputs") ?? []
        let all = inputs + optionalInputs
        guard Set(all).count == all.count else { throw LuaBindingError("inputs and optional_inputs must be distinct names") }

        var options: [OptionSpec] = []
        let optType = field("options")
        if optType != LUA_TNIL {
            guard optType == LUA_TTABLE else { throw LuaBindingError("field 'options' must be a table of defaults") }
            let t = s.top
            try s.forEachPair(t) {
                guard let key = s.string(at: -2), isIdentifier(key) else {
                    throw LuaBindingError("options: names must be identifiers, got \(s.typeName(at: -2))")
                }
                options.append(try parseOption(s, key, at: s.top))
            }
        }
        s.pop()
        options.sort { $0.name < $1.name }

        var limits: [String: Double] = [:]
        let limType = field("limits")
        if limType != LUA_TNIL {
            guard limType == LUA_TTABLE else { throw LuaBindingError("field 'limits' must be a table") }
            try s.forEachPair(s.top) {
                guard let key = s.string(at: -2), limitKeys.contains(key), let v = s.number(at: -1), v > 0, v.isFinite else {
                    throw LuaBindingError("limits: expected positive numbers for \(limitKeys.sorted().joined(separator: ", "))")
                }
                limits[key] = v
            }
        }
        s.pop()
        let uses = try readUses(s, field("uses"), metric: name)

        let hasUpdate = field("update") != LUA_TNIL
        s.pop()
        s.newTable(array: 3)
        let fns = s.top
        for (k, key) in ["states", "update", "compute"].enumerated() {
            let t = field(key)
            // A metric built from `uses` may leave out its own states and update.
            let ok = t == LUA_TFUNCTION || (key == "states" && t == LUA_TTABLE) || (key != "compute" && t == LUA_TNIL && !uses.isEmpty)
            guard ok else {
                throw LuaBindingError("field '\(key)' must be a function\(key == "states" ? " (or a list of state declarations)" : "")")
            }
            s.rawSet(fns, index: k + 1)
        }
        vl_set_slot(s.L, LuaSlot.functions.rawValue)

        func intLimit(_ key: String) -> Int? { limits[key].map { $0 >= Double(Int.max) ? Int.max : Int($0) } }
        sandbox.definition = LuaMetricDefinition(
            name: name, summary: summary, higherIsBetter: higher, fullStateUpdate: fullState, inputs: inputs,
            optionalInputs: optionalInputs, options: options, requestedHeapBytes: intLimit("heap_bytes"),
            requestedTensorBytes: intLimit("tensor_bytes"), requestedInstructions: intLimit("instructions"),
            requestedSeconds: limits["seconds"], uses: uses, hasUpdate: hasUpdate
        )
        s.pushValue(def)
        return 1
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Reads the value at the top (popping it): nil or a string.
    static func optionalString(_ s: LuaStack, _ type: Int32, _ key: String) throws -> String? {
        defer { s.pop() }
        if type == LUA_TNIL { return nil }
        guard let v = s.string(at: -1) else { throw LuaBindingError("field '\(key)' must be a string") }
        return v
    }

    static func optionalBool(_ s: LuaStack, _ type: Int32, _ key: String) throws -> Bool? {
        defer { s.pop() }
        if type == LUA_TNIL { return nil }
        guard let v = s.bool(at: -1) else { throw LuaBindingError("field '\(key)' must be a boolean") }
        return v
    }

    /// Reads a list of distinct identifiers at the top (popping it).
    static func nameList(_ s: LuaStack, _ type: Int32, _ key: String) throws -> [String]? {
        defer { s.pop() }
        if type == LUA_TNIL { return nil }
        guard type == LUA_TTABLE else { throw LuaBindingError("field '\(key)' must be a list of names") }
        let t = s.top
        var out: [String] = []
        for k in 0..<s.rawLength(at: t) {
            s.rawGet(t, index: k + 1)
            defer { s.pop() }
            guard let n = s.string(at: -1), isIdentifier(n) else { throw LuaBindingError("field '\(key)': item \(k + 1) must be a name") }
            out.append(n)
        }
        return out
    }

    /// One option: a plain default (its type gives the kind) or a spec made
    /// by `metric.required`/`optional`/`choice`.
    static func parseOption(_ s: LuaStack, _ name: String, at i: Int32) throws -> OptionSpec {
        if isOptionSpec(s, i) {
            s.rawGet(i, "kind")
            let kindName = s.string(at: -1) ?? ""
            s.pop()
            s.rawGet(i, "required")
            let required = s.bool(at: -1) ?? false
            s.pop()
            var choices: [String] = []
            if s.rawGet(i, "choices") == LUA_TTABLE {
                let c = s.top
                for k in 0..<s.rawLength(at: c) {
                    s.rawGet(c, index: k + 1)
                    choices.append(s.string(at: -1) ?? "")
                    s.pop()
                }
            }
            s.pop()
            let hasDefault = s.rawGet(i, "default") != LUA_TNIL
            defer { s.pop() }
            let base: OptionKind = kindName == "choice" ? .choice(choices) : try kind(kindName)
            let kind: OptionKind = required || kindName == "choice" ? base : .optional(base)
            var value: OptionValue = .none
            if hasDefault {
                guard let v = optionValue(s, -1), let accepted = base.accept(v) else {
                    throw LuaBindingError("option '\(name)': the default does not match \(base)")
                }
                value = accepted
            } else if kindName == "choice" {
                throw LuaBindingError("option '\(name)': metric.choice needs a default")
            }
            return OptionSpec(name, kind, default: value, help: required ? "required" : "")
        }
        guard let v = optionValue(s, i) else {
            throw LuaBindingError("option '\(name)': a default must be a boolean, a number, a string or a list of numbers, got \(s.typeName(at: i))")
        }
        switch v {
        case .bool: return OptionSpec(name, .bool, default: v)
        case .int: return OptionSpec(name, .int(), default: v)
        case .double: return OptionSpec(name, .double(), default: v)
        case .string: return OptionSpec(name, .string, default: v)
        case .list(let items):
            let numbers = items.compactMap(\.number)
            guard numbers.count == items.count else { throw LuaBindingError("option '\(name)': a list default must hold numbers") }
            return OptionSpec(name, .doubleList, default: .list(numbers.map { .double($0) }))
        case .none: throw LuaBindingError("option '\(name)': use metric.optional(kind) for an option that may be None")
        }
    }

    static func kind(_ name: String) throws -> OptionKind {
        switch name {
        case "bool": return .bool
        case "int": return .int()
        case "number": return .double()
        case "string": return .string
        case "numbers": return .doubleList
        case "ints": return .intList
        case "any": return .any
        default: throw LuaBindingError("unknown option kind '\(name)' (accepted: \(optionKinds.joined(separator: ", ")))")
        }
    }

    /// A Lua value as an option value (lists one level deep).
    static func optionValue(_ s: LuaStack, _ i: Int32) -> OptionValue? {
        let i = s.absolute(i)
        switch s.type(at: i) {
        case LUA_TBOOLEAN: return .bool(s.bool(at: i)!)
        case LUA_TNUMBER:
            if s.isInteger(at: i), let v = s.integer(at: i), let n = Int(exactly: v) { return .int(n) }
            return .double(s.number(at: i)!)
        case LUA_TSTRING: return .string(s.string(at: i)!)
        case LUA_TTABLE:
            var items: [OptionValue] = []
            for k in 0..<s.rawLength(at: i) {
                s.rawGet(i, index: k + 1)
                defer { s.pop() }
                guard let n = s.number(at: -1) else { return nil }
                items.append(s.isInteger(at: -1) ? .int(Int(s.integer(at: -1)!)) : .double(n))
            }
            return .list(items)
        default: return nil
        }
    }

    /// Pushes resolved options as a read-only table (None is nil).
    static func pushOptions(_ options: MetricOptions, _ s: LuaStack) throws {
        try s.reserve(4)
        s.newTable(record: options.values.count)
        for (key, value) in options.values {
            switch value {
            case .none: continue
            case .bool(let b): s.pushBool(b)
            case .int(let i): s.pushInteger(Int64(i))
            case .double(let d): s.pushNumber(d)
            case .string(let str): s.pushString(str)
            case .list(let items):
                s.newTable(array: items.count)
                for (k, item) in items.enumerated() {
                    switch item {
                    case .int(let i): s.pushInteger(Int64(i))
                    case .double(let d): s.pushNumber(d)
                    case .bool(let b): s.pushBool(b)
                    case .string(let str): s.pushString(str)
                    case .none, .list: s.pushNil()
                    }
                    s.rawSet(-2, index: k + 1)
                }
            }
            s.rawSet(-2, key)
        }
        vl_freeze(s.L, "options")
    }
}

extension LuaArguments {
    /// An option kind name at `i`.
    func kindName(_ i: Int32) throws -> String {
        guard let k = stack.string(at: i), MetricLibrary.optionKinds.contains(k) else {
            throw fail(i, "an option kind (" + MetricLibrary.optionKinds.joined(separator: ", ") + ")")
        }
        return k
    }
}
