import VernierCore
import VernierTensor

/// Precision and recall at every cut-off `k = 1 ... max_k`, per query, then
/// aggregated position by position over queries (the curves of
/// ``RetrievalPrecisionRecallCurve`` and ``RetrievalRecallAtFixedPrecision``).
struct RetrievalCurves {
    let precision: [Double]
    let recall: [Double]
    let maxK: Int

    /// Per query: with `c(k)` the relevant documents among the first
    /// `min(k, n)`, recall `c(k) / R` and precision `c(k) / k` (with
    /// `adaptive_k`, `c(k) / min(k, n)`). Empty queries give curves of 1
    /// (`pos`), 0 (`neg`), are skipped, or raise (`error`). No query left:
    /// zero curves. `max_k` None: the largest query's size.
    init(_ state: MetricState, config: RetrievalConfig, maxK requested: Int?, adaptiveK: Bool, metric: String) throws {
        let queries = try RankedQueries(state)
        let maxK = requested ?? queries.largestQuery
        var precisions: [Double] = [], recalls: [Double] = []
        precisions.reserveCapacity(queries.count * maxK)
        recalls.reserveCapacity(queries.count * maxK)
        try queries.forEach { q, _, target in
            let relevant = target.total
            guard relevant == 0 else {
                var found = 0.0
                for k in 1...maxK {
                    if k <= target.count { found += Double(target[k - 1]) }
                    // TorchMetrics keeps the per-query curves in float32.
                    recalls.append(Double(Float(found / relevant)))
                    precisions.append(Double(Float(found / Double(adaptiveK ? Swift.min(k, target.count) : k))))
                }
                return
            }
            switch config.emptyTargetAction {
            case .neg, .pos:
                let v: Double = config.emptyTargetAction == .pos ? 1 : 0
                precisions.append(contentsOf: repeatElement(v, count: maxK))
                recalls.append(contentsOf: repeatElement(v, count: maxK))
            case .skip: break
            case .error:
                throw MetricError.invalidInput(metric: metric, argument: "target",
                                               expected: "a positive target in every query (empty_target_action='error'); query \(queries.ids[q]) has none")
            }
        }
        let curves = precisions.count / Swift.max(maxK, 1)
        func aggregate(_ values: [Double]) -> [Double] {
            (0..<maxK).map { k in curves == 0 ? 0 : config.aggregation.reduce((0..<curves).map { values[$0 * maxK + k] }) }
        }
        precision = aggregate(precisions)
        recall = aggregate(recalls)
        self.maxK = maxK
    }
}

/// Retrieval precision-recall curve: `[precision, recall, top_k]`, each of
/// length `max_k`, with `top_k = 1 ... max_k` (int64) and precision/recall
/// at each cut-off aggregated over queries (see ``RetrievalCurves``).
///
/// Options: `max_k` (None: the largest query), `adaptive_k`,
/// `empty_target_action`, `ignore_index`, `aggregation`. Inputs and states
/// as the other retrieval metrics (`preds`, `target` 0/1, `indexes`).
public final class RetrievalPrecisionRecallCurve: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_precision_recall_curve", domain: .retrieval, summary: "precision and recall at k = 1 ... max_k",
        options: [RetrievalOptions.maxK, RetrievalOptions.adaptiveK] + RetrievalOptions.common(), inputs: RetrievalDescriptor.inputs
    ) { try RetrievalPrecisionRecallCurve(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    let config: RetrievalConfig
    let maxK: Int?
    let adaptiveK: Bool

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        maxK = options.int("max_k")
        adaptiveK = options.bool("adaptive_k") ?? false
        storage = MetricStorage(config.stateSpecs)
    }

    /// The curves up to `maxK` (nil: the largest query).
    public convenience init(maxK: Int? = nil, adaptiveK: Bool = false, emptyTargetAction: EmptyTargetAction = .neg,
                            ignoreIndex: Int? = nil, aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["max_k": RetrievalOptions.optional(maxK), "adaptive_k": .bool(adaptiveK)]))
    }

    public var computeGroupKey: String? { config.stateKey }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try config.append(&state, inputs, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let c = try RetrievalCurves(state, config: config, maxK: maxK, adaptiveK: adaptiveK, metric: name)
        return .list([.tensor(Tensor(c.precision.map { Float($0) })), .tensor(Tensor(c.recall.map { Float($0) })),
                      .tensor(Tensor((0..<c.maxK).map { Int64($0 + 1) }))])
    }
}

/// Retrieval recall at fixed precision: `[recall, k]`, the largest
/// aggregated recall among cut-offs whose aggregated precision is at least
/// `min_precision` (ties: the larger k), and that cut-off (int64). No such
/// cut-off, or a best recall of 0: `[0, max_k]`, as in TorchMetrics.
///
/// Options: `min_precision` in [0, 1] (default 0) and those of
/// ``RetrievalPrecisionRecallCurve``. Precision and recall are compared in
/// float32, the precision TorchMetrics keeps them in.
public final class RetrievalRecallAtFixedPrecision: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_recall_at_fixed_precision", domain: .retrieval, summary: "best recall at k with precision at least min_precision",
        options: [OptionSpec("min_precision", .double(min: 0, max: 1), default: .double(0), help: "the smallest acceptable precision"),
                  RetrievalOptions.maxK, RetrievalOptions.adaptiveK] + RetrievalOptions.common(),
        inputs: RetrievalDescriptor.inputs
    ) { try RetrievalRecallAtFixedPrecision(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let minPrecision: Double
    let maxK: Int?
    let adaptiveK: Bool

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        minPrecision = options.double("min_precision") ?? 0
        maxK = options.int("max_k")
        adaptiveK = options.bool("adaptive_k") ?? false
        storage = MetricStorage(config.stateSpecs)
    }

    /// The best recall with precision at least `minPrecision`, cut-offs up to `maxK` (nil: the largest query).
    public convenience init(minPrecision: Double = 0, maxK: Int? = nil, adaptiveK: Bool = false,
                            emptyTargetAction: EmptyTargetAction = .neg,
                            ignoreIndex: Int? = nil, aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["min_precision": .double(minPrecision), "max_k": RetrievalOptions.optional(maxK), "adaptive_k": .bool(adaptiveK)]))
    }

    public var computeGroupKey: String? { config.stateKey }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try config.append(&state, inputs, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let c = try RetrievalCurves(state, config: config, maxK: maxK, adaptiveK: adaptiveK, metric: name)
        // Cut-offs ascend, so `>=` keeps the larger k among equal recalls.
        var recall: Float = 0, k = c.maxK
        var found = false
        for i in 0..<c.maxK where Float(c.precision[i]) >= Float(minPrecision) {
            let r = Float(c.recall[i])
            if !found || r >= recall { recall = r; k = i + 1 }
            found = true
        }
        if recall == 0 { k = c.maxK }
        return .list([.tensor(.scalar(Double(recall))), .tensor(.scalar(Int64(k)))])
    }
}
