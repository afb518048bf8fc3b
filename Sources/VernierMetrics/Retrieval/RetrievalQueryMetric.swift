import VernierCore
import VernierTensor

/// How one retrieval metric scores a query (``RetrievalQueryMetric``): its
/// registry facts, its own options, and the score of one query's ranked
/// documents.
public protocol QueryScoreFormula: Sendable {
    /// The metric's registry facts (the options start with
    /// ``RetrievalOptions``' common ones).
    static var info: MetricInfo { get }
    /// Whether targets are graded relevance (any finite value) rather than 0/1. Default false.
    static var graded: Bool { get }
    /// Reads and checks the formula's own options (`top_k`, ...).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)``.
    init(options: MetricOptions, metric: String) throws
    /// The score of one query, documents best first; `scratch` holds room
    /// for one query's documents, reused from query to query.
    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double
    /// Whether a query is "empty" for `empty_target_action`. Default: no positive target.
    func isEmpty(_ target: UnsafeBufferPointer<Float>) -> Bool
    /// What an empty query lacks, for the error of `empty_target_action="error"`. Default `positive`.
    var emptyDescription: String { get }
}

extension QueryScoreFormula {
    /// Binary relevance.
    public static var graded: Bool { false }
    /// No positive target.
    public func isEmpty(_ target: UnsafeBufferPointer<Float>) -> Bool { target.reduce(0, +) == 0 }
    /// `positive`.
    public var emptyDescription: String { "positive" }
}

/// A query-score formula whose only own option is `top_k`.
public protocol TopKQueryScoreFormula: QueryScoreFormula {
    /// The formula over the first `topK` documents of a query (nil: all).
    init(topK: Int?)
}

extension TopKQueryScoreFormula {
    /// Reads `top_k`.
    public init(options: MetricOptions, metric: String) { self.init(topK: options.int("top_k")) }
}

/// A retrieval metric with one score per query, e.g. ``RetrievalMAP``:
/// documents are grouped by query and ranked by score, best first (ties
/// keep arrival order), each query is scored by `Formula` (or handled
/// by `empty_target_action` when the formula finds it empty: `neg` 0,
/// `pos` 1, `skip`, `error`), and the float32 query scores are combined by
/// `aggregation` (mean, median, min, max). No query left (all skipped): 0,
/// as TorchMetrics.
///
/// Inputs: `preds` (float scores), `target` (relevance) and `indexes`
/// (integer query ids) of one shape; see ``RetrievalConfig`` for the checks
/// and the states. Metrics with equal ``RetrievalConfig`` state keys share
/// states in a collection.
public final class RetrievalQueryMetric<Formula: QueryScoreFormula>: RegisteredMetric {
    /// The registry entry.
    public static var descriptor: MetricDescriptor {
        Formula.info.descriptor(of: Self.self, domain: .retrieval, inputs: RetrievalDescriptor.inputs)
    }

    /// The registry name.
    public var name: String { Formula.info.name }
    /// The resolved options.
    public let options: MetricOptions
    /// The options shared by the retrieval metrics.
    public let config: RetrievalConfig
    /// The formula, with its own options.
    public let formula: Formula
    /// States, update count and cached value.
    public var storage: MetricStorage
    /// The formula's direction.
    public var higherIsBetter: Bool? { Formula.info.higherIsBetter }

    /// Builds the metric from resolved options.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` for a formula option out of range.
    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options, graded: Formula.graded)
        formula = try Formula(options: options, metric: Formula.info.name)
        storage = MetricStorage(config.stateSpecs)
    }

    /// Metrics with equal state keys store identical states.
    public var computeGroupKey: String? { config.stateKey }

    /// Validates the batch and appends its documents.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try config.append(&state, inputs, metric: name)
    }

    /// Every query scored, then aggregated.
    ///
    /// - Throws: ``MetricError/invalidInput(metric:argument:expected:)`` for
    ///   an empty query under `empty_target_action="error"`.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let queries = try RankedQueries(state)
        var values: [Double] = []
        values.reserveCapacity(queries.count)
        var scratch = [Float](repeating: 0, count: queries.largestQuery)
        try scratch.withUnsafeMutableBufferPointer { room in
            try queries.forEach { q, preds, target in
                guard formula.isEmpty(target) else {
                    // Per-query scores are float32 in TorchMetrics before they are aggregated.
                    values.append(Double(Float(formula.score(preds: preds, target: target, scratch: room))))
                    return
                }
                switch config.emptyTargetAction {
                case .neg: values.append(0)
                case .pos: values.append(1)
                case .skip: break
                case .error:
                    throw MetricError.invalidInput(metric: name, argument: "target",
                                                   expected: "a \(formula.emptyDescription) target in every query (empty_target_action='error'); query \(queries.ids[q]) has none")
                }
            }
        }
        return .scalar(values.isEmpty ? 0 : config.aggregation.reduce(values))
    }
}

extension RetrievalQueryMetric where Formula: TopKQueryScoreFormula {
    /// The metric over the first `topK` documents of each query (nil: all);
    /// `emptyTargetAction` nil keeps the metric's default (`neg`; fall-out: `pos`).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction? = nil, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }
}
