public import OrderedCollections
import VernierTensor

/// Several metrics updated together from one stream of batches, computed
/// into one dictionary (TorchMetrics' `MetricCollection`).
///
/// - Members are named and ordered; results are keyed `prefix + name + postfix`.
///   A member whose value is itself a dictionary (a wrapper, a nested
///   collection) contributes its entries under their own keys, or under
///   `name_key` for every dictionary entry when any key would otherwise
///   repeat (TorchMetrics' flattening rule).
/// - `update` feeds every member from one ``MetricInputs``; each member sees
///   only the arguments it declares (`inputNames` + `optionalInputNames`).
///   The collection requires an argument when any member requires it.
/// - **Compute groups.** Members whose ``Metric/computeGroupKey`` is equal and
///   non-nil, whose fresh state layouts (``MetricState/layoutSignature``) are
///   equal, and which declare the same inputs, share one state: it is updated
///   once per batch, by the first such member, and every member of the group
///   computes its value from it. Groups are fixed at construction from these
///   declarations alone, never by comparing state values after an update.
/// - The collection is itself a ``Metric``: its states are its groups' states
///   under the prefixes `g0/`, `g1/`, ... in group order (groups ordered by
///   their first member). So merge, checkpoints and distributed sync handle
///   the whole collection in one pass, and a rejected batch (any member
///   throwing) leaves every member's state as it was.
/// - The member objects are definitions: the collection uses their
///   declarations, `updateState` and `computeValue`, and keeps all state
///   itself. A member's own states are neither read nor changed.
///
/// ```swift
/// let metrics = try MetricCollection(["acc": try MulticlassAccuracy(numClasses: 3),
///                                     "acc_micro": try MulticlassAccuracy(numClasses: 3, average: .micro)],
///                                    prefix: "val_")
/// try metrics.update(preds: preds, target: target)
/// let results = try metrics.compute()   // .dict(["val_acc": ..., "val_acc_micro": ...])
/// ```
public final class MetricCollection: Metric, ComputeRecording {
    /// `metric_collection`.
    public let name = "metric_collection"
    /// `prefix`, `postfix`, `compute_groups` and the members' identities
    /// (`metrics`: `name=registry_name(options)` each), so collections merge
    /// and load checkpoints only when every member matches.
    public let options: MetricOptions
    /// Arguments any member requires, in first-seen order.
    public let inputNames: [String]
    /// Arguments members accept but none requires.
    public let optionalInputNames: [String]
    /// The groups' states, laid out `g0/...`, `g1/...`.
    public var storage: MetricStorage {
        didSet { if storage.justComputed(since: oldValue) { recordComputed(storage.cachedValue, in: &storage.state) } }
    }
    /// The members, by name, in order.
    public let members: OrderedDictionary<String, any Metric>
    /// Prepended to every result key.
    public let prefix: String
    /// Appended to every result key.
    public let postfix: String
    /// True when any member needs the full-state `forward`.
    public let fullStateUpdate: Bool
    /// True when every member is batch invariant.
    public let isBatchInvariant: Bool

    /// Member indices per group; the first index is the group's updating member.
    let groups: [[Int]]
    /// The group each member belongs to.
    private let groupOfMember: [Int]
    let layout: ComposedStates

    /// A collection of named members.
    ///
    /// - Parameters:
    ///   - members: names and metrics, in result order.
    ///   - prefix: prepended to every result key (TorchMetrics' `prefix`).
    ///   - postfix: appended to every result key.
    ///   - computeGroups: share states between members that declare the
    ///     same state identity (see the type's documentation). Default true.
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for no
    ///   members, an empty name or a repeated name.
    public convenience init(_ members: [(String, any Metric)], prefix: String? = nil, postfix: String? = nil, computeGroups: Bool = true) throws {
        guard !members.isEmpty else {
            throw MetricError.invalidOption(metric: "metric_collection", option: "metrics", expected: "at least one metric")
        }
        var named = OrderedDictionary<String, any Metric>()
        for (n, m) in members {
            guard !n.isEmpty else {
                throw MetricError.invalidOption(metric: "metric_collection", option: "metrics", expected: "a non-empty name for \(m.name)")
            }
            guard named.updateValue(m, forKey: n) == nil else {
                throw MetricError.invalidOption(metric: "metric_collection", option: "metrics", expected: "unique member names; '\(n)' appears twice")
            }
        }
        self.init(validated: named, prefix: prefix, postfix: postfix, computeGroups: computeGroups)
    }

    /// A collection of members already known to be non-empty with unique,
    /// non-empty names (containers that name their children themselves).
    init(validated named: OrderedDictionary<String, any Metric>, prefix: String?, postfix: String?, computeGroups: Bool) {
        self.members = named
        self.prefix = prefix ?? ""
        self.postfix = postfix ?? ""
        let list = Array(named.values)

        var groups: [[Int]] = []
        var groupOfKey: [String: Int] = [:]
        var groupOfMember: [Int] = []
        for (i, m) in list.enumerated() {
            if computeGroups, let key = m.computeGroupKey {
                // Declared identity only: the key, the layout it implies, and the inputs that feed it.
                let identity = [key, m.freshState().layoutSignature, m.inputNames.joined(separator: ","),
                                m.optionalInputNames.joined(separator: ",")].joined(separator: "\u{1F}")
                if let g = groupOfKey[identity] {
                    groups[g].append(i)
                    groupOfMember.append(g)
                    continue
                }
                groupOfKey[identity] = groups.count
            }
            groupOfMember.append(groups.count)
            groups.append([i])
        }
        self.groups = groups
        self.groupOfMember = groupOfMember
        layout = ComposedStates(groups.enumerated().map { (g, group) in ("g\(g)/", list[group[0]].freshState().specs) })
        storage = MetricStorage(layout.specs)

        let inputs = unionOfInputs(list)
        inputNames = inputs.required
        optionalInputNames = inputs.optional
        fullStateUpdate = list.contains { $0.fullStateUpdate }
        isBatchInvariant = list.allSatisfy { $0.isBatchInvariant }
        options = MetricOptions([
            "prefix": .string(self.prefix), "postfix": .string(self.postfix), "compute_groups": .bool(computeGroups),
            "metrics": .list(named.map { .string("\($0.key)=\($0.value.identity)") }),
        ])
    }

    /// A collection from a literal list of names and metrics:
    /// `MetricCollection(["mse": mse, "mae": mae])`.
    public convenience init(_ members: KeyValuePairs<String, any Metric>, prefix: String? = nil, postfix: String? = nil, computeGroups: Bool = true) throws {
        try self.init(members.map { ($0.key, $0.value) }, prefix: prefix, postfix: postfix, computeGroups: computeGroups)
    }

    /// A collection whose members are named by their registry names
    /// (TorchMetrics names list members by class name).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   two metrics share a name (name them explicitly then).
    public convenience init(_ metrics: [any Metric], prefix: String? = nil, postfix: String? = nil, computeGroups: Bool = true) throws {
        try self.init(metrics.map { ($0.name, $0) }, prefix: prefix, postfix: postfix, computeGroups: computeGroups)
    }

    /// The member called `name` (without prefix and postfix).
    public subscript(name: String) -> (any Metric)? { members[name] }

    /// The member names of each compute group, in group order; members that
    /// share nothing form groups of one.
    public var computeGroups: [[String]] { groups.map { $0.map { members.keys[$0] } } }

    /// Feeds every group's first member its own inputs, on its group's states.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        for (g, group) in groups.enumerated() {
            let member = members.values[group[0]]
            var sub = try layout.state(of: g, in: state, metric: name)
            try member.updateState(&sub, with: inputs.restricted(to: member))
            try layout.store(sub, as: g, in: &state, metric: name)
        }
    }

    /// Every member's value, flattened into one dictionary (see the type's documentation).
    ///
    /// - Throws: a member's compute error; ``MetricError/failed(metric:detail:)``
    ///   when two results would get the same key.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        var out = OrderedDictionary<String, MetricValue>()
        for entry in try entries(from: state) {
            guard out.updateValue(entry.value, forKey: entry.key) == nil else {
                throw MetricError.failed(metric: name, detail: "two results are both keyed '\(entry.key)'; rename a member")
            }
        }
        return .dict(out)
    }

    /// Each member's value under its member name, not flattened (``compute()``
    /// flattens dictionary-valued members like TorchMetrics). Cached like `compute`.
    public func memberResults() throws -> OrderedDictionary<String, MetricValue> {
        guard updateCount > 0 else { throw MetricError.noUpdates(metric: name) }
        let values = try memberValues(from: state)
        return OrderedDictionary(uniqueKeysWithValues: zip(members.keys, values))
    }

    /// Each member's own value for `state`, in member order.
    func memberValues(from state: MetricState) throws -> [MetricValue] {
        let groupStates = try groups.indices.map { try layout.state(of: $0, in: state, metric: name) }
        return try members.values.enumerated().map { i, m in try m.computeValue(from: groupStates[groupOfMember[i]]) }
    }

    /// The flattened results with the member each came from.
    func entries(from state: MetricState) throws -> [(key: String, member: Int, value: MetricValue)] {
        let values = try memberValues(from: state)
        var keys: [String] = []
        for (i, v) in values.enumerated() {
            if case .dict(let d) = v { keys += d.keys } else { keys.append(members.keys[i]) }
        }
        let repeated = Set(keys).count != keys.count
        var out: [(key: String, member: Int, value: MetricValue)] = []
        for (i, v) in values.enumerated() {
            let memberName = members.keys[i]
            if case .dict(let d) = v {
                for (k, x) in d { out.append((prefix + (repeated ? "\(memberName)_\(k)" : k) + postfix, i, x)) }
            } else {
                out.append((prefix + memberName + postfix, i, v))
            }
        }
        return out
    }

    func recordComputed(_ value: MetricValue?, in state: inout MetricState) {
        for (g, group) in groups.enumerated() {
            let recorders = group.compactMap { members.values[$0] as? any ComputeRecording }
            // Layout reads cannot fail here: `state` has this collection's own declarations.
            guard !recorders.isEmpty, var sub = try? layout.state(of: g, in: state, metric: name) else { continue }
            for r in recorders { r.recordComputed(nil, in: &sub) }
            try? layout.store(sub, as: g, in: &state, metric: name)
        }
    }
}
