import VernierTensor

/// The states of several child metrics laid out one after another in a single
/// ``MetricState``, each child's state names under its own prefix (`g0/tp`,
/// `g1/sum_squared_error`).
///
/// Containers (collections, compositions, wrappers) declare these combined
/// states as their own, so merge, checkpoints and distributed sync handle the
/// whole container in one pass, in a deterministic order: child by child,
/// each child's states in its own declaration order.
struct ComposedStates: Sendable {
    /// The combined declarations.
    let specs: [StateSpec]
    /// Each child's fresh states, copied (not rebuilt) for every read: a
    /// container reads its children's states on every update.
    private let templates: [MetricState]
    /// Where each child's states start in ``specs``.
    private let offsets: [Int]

    /// Lays out `children` in order; a child's prefix should end in `/`.
    init(_ children: [(prefix: String, specs: [StateSpec])]) {
        var specs: [StateSpec] = []
        var offsets: [Int] = []
        for child in children {
            offsets.append(specs.count)
            specs += child.specs.map { $0.prefixed(child.prefix) }
        }
        self.specs = specs
        self.templates = children.map { MetricState(specs: $0.specs) }
        self.offsets = offsets
    }

    /// Child `i`'s states, read out of the combined `state`.
    func state(of i: Int, in state: MetricState, metric: String) throws -> MetricState {
        var out = templates[i]
        for j in out.specs.indices { try out.setValue(state.values[offsets[i] + j], at: j, metric: metric) }
        return out
    }

    /// Writes child `i`'s states back into the combined `state`.
    func store(_ child: MetricState, as i: Int, in state: inout MetricState, metric: String) throws {
        for (j, v) in child.values.enumerated() { try state.setValue(v, at: offsets[i] + j, metric: metric) }
    }
}

extension StateSpec {
    /// The same declaration under the name `prefix + name`.
    func prefixed(_ prefix: String) -> StateSpec {
        switch initial {
        case .tensor(let t): return StateSpec(prefix + name, t, reduction)
        case .list: return StateSpec(list: prefix + name)
        }
    }
}

extension MetricInputs {
    /// Only the arguments `metric` declares (required and optional): what a
    /// container passes to each child, so children never see each other's inputs.
    func restricted(to metric: any Metric) -> MetricInputs {
        let wanted = Set(metric.inputNames + metric.optionalInputNames)
        return MetricInputs(values.filter { wanted.contains($0.key) })
    }
}

extension Metric {
    /// The metric's identity as an option value: `name(options)`. Containers
    /// list their children's identities in their own options, so two
    /// containers merge, and a checkpoint loads, only when every child matches.
    var identity: OptionValue { .string("\(name)(\(options))") }
}

/// The update arguments a group of children needs: required ones are those
/// any child requires; optional ones are the rest, each in first-seen order.
func unionOfInputs(_ metrics: [any Metric]) -> (required: [String], optional: [String]) {
    var required: [String] = []
    for m in metrics { for n in m.inputNames where !required.contains(n) { required.append(n) } }
    var optional: [String] = []
    for m in metrics { for n in m.optionalInputNames where !required.contains(n) && !optional.contains(n) { optional.append(n) } }
    return (required, optional)
}
