internal import CLuaShim
import VernierCore

/// Finds a registered metric by name (``MetricRegistry/descriptor(_:)``, or a
/// plugin host's view of its registry); throws when the name is unknown.
typealias MetricLookup = @Sendable (String) throws -> MetricDescriptor

extension LuaScript {
    /// Looks names up in `registry` (kept alive by the script, so a script
    /// loaded with a temporary registry keeps working). Registering the
    /// script's own descriptor into that same registry makes a reference
    /// cycle (registry → descriptor → script → registry): remove the entry
    /// when done, or let a `PluginHost` own both (it holds its registry weakly).
    static func lookup(in registry: MetricRegistry) -> MetricLookup {
        { try registry.descriptor($0) }
    }
}

/// The names of the metrics being made on this task, outermost first: a
/// `uses` member whose name is already here would make its user again
/// (a cycle, directly or through other plugins).
enum LuaUseChain {
    @TaskLocal static var names: [String] = []
}

/// The metrics a script's `uses` builds on, held as one ``MetricCollection``
/// (members declaring the same state identity share one state: compute
/// groups). The collection's states follow the script's own states in the
/// ``LuaMetric``'s state, each under the prefix `uses/`, so merge,
/// checkpoints and sync handle them with the rest.
struct UsedMetrics {
    /// Prefix of the collection's states in the ``LuaMetric``'s state.
    static let statePrefix = "uses/"

    let collection: MetricCollection
    /// Where the collection's states start in the ``LuaMetric``'s state.
    let offset: Int
    /// The collection's fresh states (copied for every read).
    private let template: MetricState
    /// Per member, in member order: its name, the metric, where its group's
    /// states start in the collection's state, and its fresh states.
    private let members: [(name: String, metric: any Metric, start: Int, template: MetricState)]

    /// Makes every member of `script`'s `uses` (options as given to
    /// `metric.builtin`) and lays their states out after `offset` own states.
    ///
    /// - Throws: ``LuaError/contract(file:call:message:)`` (call `uses`,
    ///   message starting with the `metric.builtin` line) for a script loaded
    ///   without a registry, an unknown name, bad options, a cycle, or a
    ///   member needing an input the script does not declare; a used
    ///   plugin's own load error unchanged.
    init(script: LuaScript, metric: String, offset: Int) throws {
        let def = script.definition
        let chain = LuaUseChain.names + [metric]
        let declared = Set(def.inputs + def.optionalInputs)
        var made: [(String, any Metric)] = []
        for use in def.uses {
            func fail(_ message: String) -> LuaError {
                .contract(file: script.file, call: "uses", message: "\(use.location) metric.builtin(\"\(use.metric)\"): \(message)")
            }
            guard let lookup = script.lookup else {
                throw fail("no registry to look metrics up in; load the script with a registry (a PluginHost passes its own)")
            }
            if let first = chain.firstIndex(of: use.metric) {
                throw fail("a cycle: " + (chain[first...] + [use.metric]).joined(separator: " uses "))
            }
            let member: any Metric
            do {
                let descriptor = try lookup(use.metric)
                member = try LuaUseChain.$names.withValue(chain) { try descriptor.make(use.options) }
            } catch let error as MetricError {
                throw fail(String(describing: error))
            }
            if let missing = member.inputNames.first(where: { !declared.contains($0) }) {
                throw fail("needs the input '\(missing)', which this script does not declare in inputs or optional_inputs")
            }
            made.append((use.member, member))
        }
        collection = try MetricCollection(made)
        self.offset = offset
        template = collection.freshState()
        var groupStart: [String: Int] = [:]
        var start = 0
        for group in collection.computeGroups {
            for name in group { groupStart[name] = start }
            start += collection[group[0]]!.freshState().specs.count
        }
        members = made.map { ($0.0, $0.1, groupStart[$0.0]!, $0.1.freshState()) }
    }

    /// The collection's declarations, prefixed, to append to the script's own.
    var specs: [StateSpec] {
        template.specs.map { spec in
            switch spec.initial {
            case .tensor(let t): return StateSpec(UsedMetrics.statePrefix + spec.name, t, spec.reduction)
            case .list: return StateSpec(list: UsedMetrics.statePrefix + spec.name)
            }
        }
    }

    /// Feeds `inputs` to the collection's part of `state` (every member
    /// sees only the inputs it declares; on error `state` may be partly
    /// written, so callers pass a copy).
    func update(_ state: inout MetricState, with inputs: MetricInputs, metric: String) throws {
        var sub = template
        for j in sub.specs.indices { try sub.setValue(state.values[offset + j], at: j, metric: metric) }
        try collection.updateState(&sub, with: inputs)
        for (j, v) in sub.values.enumerated() { try state.setValue(v, at: offset + j, metric: metric) }
    }

    /// Each member's value computed from its (group's) states in `state`, in member order.
    func values(from state: MetricState, metric: String) throws -> [(name: String, value: MetricValue)] {
        try members.map { m in
            var sub = m.template
            for j in sub.specs.indices { try sub.setValue(state.values[offset + m.start + j], at: j, metric: metric) }
            return (m.name, try m.metric.computeValue(from: sub))
        }
    }

    /// Whether any member needs the full-state `forward`.
    var fullStateUpdate: Bool { collection.fullStateUpdate }
    /// Whether every member is batch invariant.
    var isBatchInvariant: Bool { collection.isBatchInvariant }
}

extension LuaStack {
    /// Pushes a metric value: a tensor (lent for the current call), a list,
    /// or a table of named values.
    func pushMetricValue(_ value: MetricValue) throws {
        try reserve(3)
        switch value {
        case .tensor(let t): try pushTensor(t, counted: false)
        case .list(let items):
            try ensureListRoom(items.count)
            newTable(array: items.count)
            for (k, item) in items.enumerated() {
                try pushMetricValue(item)
                rawSet(-2, index: k + 1)
            }
        case .dict(let d):
            newTable(record: d.count)
            for (k, item) in d {
                try pushMetricValue(item)
                rawSet(-2, k)
            }
        }
    }
}
