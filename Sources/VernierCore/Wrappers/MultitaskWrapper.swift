public import OrderedCollections
import VernierTensor

/// One metric (or collection) per task of a multitask model, fed each
/// task's own inputs (TorchMetrics' `MultitaskWrapper`).
///
/// Inputs are named `task/argument`: a task `depth` scored by mean squared
/// error reads `depth/preds` and `depth/target`. (TorchMetrics takes two
/// dictionaries `task_preds`, `task_targets`; named arguments let any
/// metric's inputs through, not only `preds` and `target`.) `compute`
/// returns `[prefix + task + postfix: task value]`, a task's value kept as
/// it is (a collection's dictionary stays nested).
///
/// States: each task's under `task/`; one batch updates every task or,
/// when any task rejects it, none. Tasks never form compute groups with
/// each other: they read different inputs.
///
/// ```swift
/// let multitask = try MultitaskWrapper(["label": try BinaryAccuracy(), "depth": try MeanSquaredError()])
/// try multitask.update(["label/preds": p, "label/target": t, "depth/preds": d, "depth/target": dt])
/// ```
public final class MultitaskWrapper: Metric, ComputeRecording {
    /// `multitask_wrapper`.
    public let name = "multitask_wrapper"
    /// `prefix`, `postfix` and each task's metric identity (`tasks`).
    public let options: MetricOptions
    /// `task/argument` for every argument any task requires.
    public let inputNames: [String]
    /// `task/argument` for every optional argument.
    public let optionalInputNames: [String]
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage {
        didSet { if storage.justComputed(since: oldValue) { recordComputed(storage.cachedValue, in: &storage.state) } }
    }
    /// The task metrics, by task name (definitions; their own states are not used).
    public let tasks: OrderedDictionary<String, any Metric>
    /// Prepended to every task's result key.
    public let prefix: String
    /// Appended to every task's result key.
    public let postfix: String
    /// True when any task needs the full-state `forward`.
    public let fullStateUpdate: Bool
    /// True when every task is batch invariant.
    public let isBatchInvariant: Bool
    private let layout: ComposedStates

    /// One metric per task.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for no
    ///   tasks, an empty task name or a repeated one.
    public init(_ tasks: [(String, any Metric)], prefix: String? = nil, postfix: String? = nil) throws {
        var named = OrderedDictionary<String, any Metric>()
        for (task, m) in tasks {
            guard !task.isEmpty, named.updateValue(m, forKey: task) == nil else {
                throw MetricError.invalidOption(metric: "multitask_wrapper", option: "task_metrics", expected: "distinct, non-empty task names; got '\(task)'")
            }
        }
        guard !named.isEmpty else {
            throw MetricError.invalidOption(metric: "multitask_wrapper", option: "task_metrics", expected: "at least one task")
        }
        self.tasks = named
        self.prefix = prefix ?? ""
        self.postfix = postfix ?? ""
        layout = ComposedStates(named.map { ("\($0.key)/", $0.value.freshState().specs) })
        storage = MetricStorage(layout.specs)
        inputNames = named.flatMap { task, m in m.inputNames.map { "\(task)/\($0)" } }
        optionalInputNames = named.flatMap { task, m in m.optionalInputNames.map { "\(task)/\($0)" } }
        fullStateUpdate = named.values.contains { $0.fullStateUpdate }
        isBatchInvariant = named.values.allSatisfy { $0.isBatchInvariant }
        options = MetricOptions([
            "prefix": .string(self.prefix), "postfix": .string(self.postfix),
            "tasks": .list(named.map { .string("\($0.key)=\($0.value.identity)") }),
        ])
    }

    /// One metric per task, from a literal: `MultitaskWrapper(["a": m1, "b": m2])`.
    public convenience init(_ tasks: KeyValuePairs<String, any Metric>, prefix: String? = nil, postfix: String? = nil) throws {
        try self.init(tasks.map { ($0.key, $0.value) }, prefix: prefix, postfix: postfix)
    }

    /// Feeds each task the arguments named `task/...`, without the prefix.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        for (i, (task, m)) in tasks.enumerated() {
            var own = MetricInputs()
            for argument in m.inputNames + m.optionalInputNames {
                if let v = inputs["\(task)/\(argument)"] { own[argument] = v }
            }
            var sub = try layout.state(of: i, in: state, metric: name)
            try m.updateState(&sub, with: own)
            try layout.store(sub, as: i, in: &state, metric: name)
        }
    }

    /// `[prefix + task + postfix: value]` in task order.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        var out = OrderedDictionary<String, MetricValue>()
        for (i, (task, m)) in tasks.enumerated() {
            out[prefix + task + postfix] = try m.computeValue(from: layout.state(of: i, in: state, metric: name))
        }
        return .dict(out)
    }

    func recordComputed(_ value: MetricValue?, in state: inout MetricState) {
        for (i, m) in tasks.values.enumerated() {
            // Layout reads cannot fail here: `state` has this wrapper's own declarations.
            guard let r = m as? any ComputeRecording, var sub = try? layout.state(of: i, in: state, metric: name) else { continue }
            r.recordComputed(nil, in: &sub)
            try? layout.store(sub, as: i, in: &state, metric: name)
        }
    }
}
