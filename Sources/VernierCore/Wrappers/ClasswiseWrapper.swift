import OrderedCollections
import VernierTensor

/// A per-class value turned into a dictionary with one entry per class
/// (TorchMetrics' `ClasswiseWrapper`).
///
/// The wrapped metric must give one value per class along its first axis
/// (`average: .none`, shape `[C]`). Entry `i` is keyed
/// `prefix + label_i + postfix`, where `label_i` is `labels[i]` or `i`. With
/// neither prefix nor postfix given (or both empty) the prefix is
/// `base.name + "_"` (`multiclass_accuracy_0`); TorchMetrics uses the class
/// name there (`multiclassaccuracy_0`).
///
/// States, update, merge and checkpoints are the wrapped metric's own: the
/// wrapper declares the same states and the same ``Metric/computeGroupKey``,
/// so in a collection it shares stat scores with, say, macro accuracy.
///
/// ```swift
/// let perClass = try ClasswiseWrapper(try MulticlassAccuracy(numClasses: 3, average: .none),
///                                     labels: ["cat", "dog", "bird"])
/// ```
public final class ClasswiseWrapper: MetricWrapper {
    /// `classwise_wrapper`.
    public let name = "classwise_wrapper"
    /// `labels`, `prefix`, `postfix` and the wrapped metric's identity (`metric`).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage
    /// The wrapped metric (a definition; its own states are not used).
    public let base: any Metric
    /// Class names, or nil for `0, 1, ...`.
    public let labels: [String]?
    private let keyPrefix: String
    private let keyPostfix: String

    /// Wraps `base`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for
    ///   repeated labels (their entries would collide).
    public init(_ base: any Metric, labels: [String]? = nil, prefix: String? = nil, postfix: String? = nil) throws {
        if let labels, Set(labels).count != labels.count {
            throw MetricError.invalidOption(metric: "classwise_wrapper", option: "labels", expected: "distinct labels, got \(labels)")
        }
        self.base = base
        self.labels = labels
        let given = (prefix ?? "") + (postfix ?? "")
        keyPrefix = given.isEmpty ? "\(base.name)_" : prefix ?? ""
        keyPostfix = postfix ?? ""
        options = MetricOptions([
            "labels": labels.map { .list($0.map { .string($0) }) } ?? .none,
            "prefix": .string(keyPrefix), "postfix": .string(keyPostfix), "metric": base.identity,
        ])
        storage = MetricStorage(base.freshState().specs)
    }

    /// The wrapped metric's key: same states, same update.
    public var computeGroupKey: String? { base.computeGroupKey }

    /// The wrapped metric's update.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try base.updateState(&state, with: inputs)
    }

    /// One entry per class: slice `i` of the wrapped value along its first axis.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the wrapped value
    ///   is not a tensor with a class axis, or its length differs from `labels`.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        guard case .tensor(let t) = try base.computeValue(from: state), t.rank >= 1 else {
            throw MetricError.failed(metric: name, detail: "\(base.name) must give one value per class along its first axis (e.g. average=None)")
        }
        let n = t.shape[0]
        if let labels, labels.count != n {
            throw MetricError.failed(metric: name, detail: "\(labels.count) labels for \(n) values of \(base.name)")
        }
        var out = OrderedDictionary<String, MetricValue>()
        for i in 0..<n {
            let slice = try t.slice(axis: 0, start: i, end: i + 1).reshaped(Array(t.shape.dropFirst()))
            out[keyPrefix + (labels?[i] ?? String(i)) + keyPostfix] = .tensor(slice)
        }
        return .dict(out)
    }
}
