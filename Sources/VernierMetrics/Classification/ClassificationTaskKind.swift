import VernierCore

/// A classification task as a type, so that a metric family is written once
/// as a generic class and instantiated per task
/// (`ClassificationMetric<PrecisionFormula, BinaryTask>` is
/// ``BinaryPrecision``).
public protocol ClassificationTaskKind: Sendable {
    /// The task this type stands for.
    static var task: ClassificationTask { get }
}

/// The binary task: one probability, logit or 0/1 label per element.
public enum BinaryTask: ClassificationTaskKind {
    /// ``ClassificationTask/binary``.
    public static let task = ClassificationTask.binary
}

/// The multiclass task: one label in `[0, C)` per element, predicted as `C`
/// scores or as a label.
public enum MulticlassTask: ClassificationTaskKind {
    /// ``ClassificationTask/multiclass``.
    public static let task = ClassificationTask.multiclass
}

/// The multilabel task: `L` independent binary labels per element.
public enum MultilabelTask: ClassificationTaskKind {
    /// ``ClassificationTask/multilabel``.
    public static let task = ClassificationTask.multilabel
}

/// The registry facts of a classification metric family that TorchMetrics
/// spells once per task (`binary_precision`, `multiclass_precision`,
/// `multilabel_precision`): the metric of task `t` is registered as
/// `<t>_<stem>`, with that task's summary and options.
public struct ClassificationFamily: Sendable {
    /// The name after the task prefix (`precision`).
    public let stem: String
    /// Whether a higher value is better; nil where that does not apply.
    public let higherIsBetter: Bool?
    /// One summary line per task the family has (TorchMetrics has no
    /// binary exact match and no multilabel Cohen's kappa).
    let summaries: [ClassificationTask: String]
    /// The options of a task, with TorchMetrics' names, in its order.
    let options: @Sendable (ClassificationTask) -> [OptionSpec]

    /// A family named `<task>_<stem>` with a summary per task it has and its options by task.
    public init(_ stem: String, higherIsBetter: Bool?, summaries: [ClassificationTask: String],
                options: @escaping @Sendable (ClassificationTask) -> [OptionSpec]) {
        self.stem = stem
        self.higherIsBetter = higherIsBetter
        self.summaries = summaries
        self.options = options
    }

    /// The registry name of the family's `task` metric.
    public func name(_ task: ClassificationTask) -> String { "\(task.rawValue)_\(stem)" }

    /// The registry facts of the `task` metric; nil when the family has no such task.
    public func info(_ task: ClassificationTask) -> MetricInfo? {
        summaries[task].map { MetricInfo(name: name(task), summary: $0, options: options(task), higherIsBetter: higherIsBetter) }
    }

    /// The registry entry of `M`, the family's `task` metric. A task the
    /// family lacks gets an entry that explains so; `M(options:)` then throws
    /// (see ``requireInfo(_:)``).
    func descriptor<M: RegisteredMetric & SendableMetatype>(of type: M.Type, _ task: ClassificationTask) -> MetricDescriptor {
        (info(task) ?? MetricInfo(name: name(task), summary: "not a metric: TorchMetrics has no \(task.rawValue) \(stem)", higherIsBetter: nil))
            .descriptor(of: type, domain: .classification)
    }

    /// The registry facts of the `task` metric.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the family has no such task.
    func requireInfo(_ task: ClassificationTask) throws -> MetricInfo {
        guard let info = info(task) else {
            throw MetricError.failed(metric: name(task), detail: "TorchMetrics has no \(task.rawValue) \(stem); tasks: "
                                     + summaries.keys.map(\.rawValue).sorted().joined(separator: ", "))
        }
        return info
    }
}
