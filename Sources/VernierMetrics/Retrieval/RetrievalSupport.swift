import VernierCore
import VernierTensor

/// What a retrieval metric does with a query that has no positive target
/// (for fall-out: no negative target), TorchMetrics' `empty_target_action`.
public enum EmptyTargetAction: String, Sendable {
    /// The query scores 0.
    case neg
    /// The query scores 1.
    case pos
    /// The query is left out of the aggregation.
    case skip
    /// `compute` throws.
    case error
}

/// How per-query scores are combined (TorchMetrics' `aggregation`).
public enum RetrievalAggregation: String, Sendable {
    /// The mean of the query scores.
    case mean
    /// The lower median (`torch.median`'s choice for an even count).
    case median
    /// The smallest query score.
    case min
    /// The largest query score.
    case max

    /// The aggregate of `values` (not empty); `median` is the lower median,
    /// as `torch.median`.
    func reduce(_ values: [Double]) -> Double {
        switch self {
        case .mean: return values.reduce(0, +) / Double(values.count)
        case .median: return values.sorted()[(values.count - 1) / 2]
        case .min: return values.min() ?? 0
        case .max: return values.max() ?? 0
        }
    }
}

/// The option declarations of the retrieval metrics, with TorchMetrics'
/// names and defaults.
public enum RetrievalOptions {
    /// `empty_target_action`: neg, pos, skip or error (default `def`).
    public static func emptyTargetAction(default def: EmptyTargetAction = .neg) -> OptionSpec {
        OptionSpec("empty_target_action", .choice(["neg", "pos", "skip", "error"]), default: .string(def.rawValue),
                   help: "a query without positive target scores 0 (neg), 1 (pos), is skipped, or is an error")
    }
    /// `ignore_index`: documents whose target equals it are dropped (default None).
    public static let ignoreIndex = OptionSpec("ignore_index", .optional(.int()), default: .none,
                                               help: "target value whose documents are dropped")
    /// `aggregation`: mean (default), median, min or max over queries.
    public static let aggregation = OptionSpec("aggregation", .choice(["mean", "median", "min", "max"]), default: .string("mean"),
                                               help: "how per-query scores are combined")
    /// `top_k`: None (every document) or a positive integer (TorchMetrics
    /// silently reads 0 as "no limit" for some metrics; Vernier rejects it).
    public static let topK = OptionSpec("top_k", .optional(.int(min: 1)), default: .none,
                                        help: "only the k highest-scored documents of each query count (None: all)")
    /// `adaptive_k`: a query shorter than k is scored at its own size (default false).
    public static let adaptiveK = OptionSpec("adaptive_k", .bool, default: .bool(false),
                                             help: "cap k at the query's size when it has fewer documents")
    /// `max_k`: the last cut-off of the curves (default None: the largest query).
    public static let maxK = OptionSpec("max_k", .optional(.int(min: 1)), default: .none,
                                        help: "the curve's last k (None: the largest query)")

    /// The options every per-query retrieval metric takes.
    static func common(empty: EmptyTargetAction = .neg) -> [OptionSpec] { [emptyTargetAction(default: empty), ignoreIndex, aggregation] }

    /// Option values of a Swift initialiser: the common options plus `extra`;
    /// a nil `empty` leaves `empty_target_action` at the metric's default.
    static func given(_ empty: EmptyTargetAction?, _ ignoreIndex: Int?, _ aggregation: RetrievalAggregation,
                      _ extra: [String: OptionValue] = [:]) -> [String: OptionValue] {
        var common: [String: OptionValue] = ["ignore_index": optional(ignoreIndex), "aggregation": .string(aggregation.rawValue)]
        if let empty { common["empty_target_action"] = .string(empty.rawValue) }
        return extra.merging(common) { a, _ in a }
    }

    /// `.int(x)`, or `.none` for nil.
    static func optional(_ x: Int?) -> OptionValue { x.map { .int($0) } ?? .none }
}

/// The resolved options shared by the retrieval metrics, and their states.
///
/// States (TorchMetrics' layout, compact): `indexes` (int32 when every id
/// fits, int64 otherwise), `preds` (float32, as TorchMetrics converts them)
/// and `target` (uint8 0/1, or float32 relevance for graded metrics), `cat`
/// lists of the documents kept after `ignore_index`.
public struct RetrievalConfig: Sendable {
    /// What an empty query scores.
    public let emptyTargetAction: EmptyTargetAction
    /// The target value whose documents are dropped.
    public let ignoreIndex: Int?
    /// How query scores are combined.
    public let aggregation: RetrievalAggregation
    /// Whether targets are graded relevance (NDCG) rather than 0/1.
    public let graded: Bool

    init(_ options: MetricOptions, graded: Bool = false) {
        emptyTargetAction = EmptyTargetAction(rawValue: options.string("empty_target_action") ?? "neg") ?? .neg
        ignoreIndex = options.int("ignore_index")
        aggregation = RetrievalAggregation(rawValue: options.string("aggregation") ?? "mean") ?? .mean
        self.graded = graded
    }

    var stateSpecs: [StateSpec] { [StateSpec(list: "indexes"), StateSpec(list: "preds"), StateSpec(list: "target")] }

    /// Metrics with equal keys store identical states for identical inputs.
    var stateKey: String { "retrieval:\(graded ? "graded" : "binary"):ignore_index=\(ignoreIndex.map(String.init) ?? "None")" }

    /// Validates one batch and appends its documents.
    ///
    /// `preds`, `target` and `indexes` must have one common shape of at
    /// least one dimension (flattened); `indexes` integer query ids, `preds`
    /// float scores without NaN, `target` 0/1 (bool, integer or float) or,
    /// for graded metrics, any finite relevance. Documents whose target
    /// equals `ignore_index` are dropped first; nothing left is an error.
    func append(_ state: inout MetricState, _ inputs: MetricInputs, metric: String) throws {
        let preds = try inputs.tensor("preds", metric: metric)
        let target = try inputs.tensor("target", metric: metric)
        let indexes = try inputs.tensor("indexes", metric: metric)
        try Check.sameShape(preds, target, metric: metric)
        try Check.sameShape(preds, indexes, metric: metric, "preds", "indexes")
        try Check.rank(preds, atLeast: 1, metric: metric, "preds", why: "documents")
        guard indexes.dtype.isInteger else {
            throw MetricError.invalidInput(metric: metric, argument: "indexes", expected: "an integer tensor of query ids, got \(indexes.dtype)")
        }
        try Check.floating(preds, metric: metric, "preds")
        var ids = indexes.flattened().cast(.int64), scores = preds.flattened().cast(.float32), labels = target.flattened()
        if let ignoreIndex {
            let keep = labels.ne(Double(ignoreIndex))
            ids = try ids.maskedSelect(keep)
            scores = try scores.maskedSelect(keep)
            labels = try labels.maskedSelect(keep)
        }
        guard ids.count > 0 else {
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "at least one document that is not ignore_index=\(ignoreIndex.map(String.init) ?? "None")")
        }
        try Check.noNaN(scores, metric: metric, "preds")
        let range = labels.valueRange()
        if graded {
            guard !range.hasNaN, range.min.isFinite, range.max.isFinite else {
                throw MetricError.invalidInput(metric: metric, argument: "target", expected: "finite relevance values")
            }
            labels = labels.cast(.float32)
        } else {
            guard !range.hasNaN, range.min >= 0, range.max <= 1, labels.isIntegral() else {
                throw MetricError.invalidInput(metric: metric, argument: "target", expected: "binary relevance (0/1 or bool), found values in [\(range.min), \(range.max)]")
            }
            labels = labels.cast(.uint8)
        }
        let idRange = ids.valueRange()
        if idRange.min >= Double(Int32.min) && idRange.max <= Double(Int32.max) { ids = ids.cast(.int32) }
        state.append("indexes", ids)
        state.append("preds", scores)
        state.append("target", labels)
    }
}

/// Every stored document grouped by query and ranked within it, from one
/// stable argsort (the tensor library's radix sort) of a 64-bit key per
/// document: its query number in the high half, its score's descending
/// order in the low half; documents with equal keys keep their arrival order.
///
/// Queries are in ascending id order; `starts[q]..<starts[q + 1]` are query
/// `q`'s documents, best score first (documents with equal scores, -0 and +0
/// included, keep the order they arrived in).
struct RankedQueries {
    let preds: [Float]
    let target: [Float]
    let starts: [Int]
    let ids: [Int64]

    var count: Int { ids.count }

    /// - Throws: when more than 2^32 - 1 documents are stored (the sort's limit).
    init(_ state: MetricState) throws {
        guard let idTensor = state.concatenated("indexes"), let p = state.concatenated("preds"), let t = state.concatenated("target") else {
            preds = []; target = []; starts = [0]; ids = []
            return
        }
        let queryIDs = idTensor.cast(.int64).toArray(Int64.self)
        let scores = p.cast(.float32).toArray(Float.self)
        let labels = t.cast(.float32).toArray(Float.self)
        let numbers = try RankedQueries.queryNumbers(queryIDs)
        let keys = Tensor(zip(numbers, scores).map { number, score in
            // Unsigned key order as signed int64 order: flip the top bit.
            // Descending scores: the complement of the tensor library's ascending key (-0 and +0 tie).
            Int64(bitPattern: (number << 32 | UInt64(~score.sortKey)) ^ (1 << 63))
        })
        let order = try keys.argsort().toArray(Int64.self)
        var sortedPreds = [Float](repeating: 0, count: order.count), sortedTarget = sortedPreds
        var starts: [Int] = [], ids: [Int64] = []
        for (k, j) in order.enumerated() {
            let i = Int(j)
            sortedPreds[k] = scores[i]
            sortedTarget[k] = labels[i]
            if k == 0 || queryIDs[i] != ids[ids.count - 1] {
                starts.append(k)
                ids.append(queryIDs[i])
            }
        }
        starts.append(order.count)
        preds = sortedPreds
        target = sortedTarget
        self.starts = starts
        self.ids = ids
    }

    /// Numbers below 2^32 in the order of the ids: the ids less the lowest
    /// when they span less than 2^32, else each id's rank among the distinct ids.
    private static func queryNumbers(_ ids: [Int64]) throws -> [UInt64] {
        let lowest = ids.min() ?? 0, highest = ids.max() ?? 0
        let (span, overflow) = highest.subtractingReportingOverflow(lowest)
        if !overflow && span < 1 << 32 { return ids.map { UInt64(bitPattern: $0 &- lowest) } }
        let ranks = try Tensor(ids).unique(returnInverse: true).inverse!
        return ranks.toArray(Int64.self).map { UInt64($0) }
    }

    /// The largest number of documents in a query.
    var largestQuery: Int { zip(starts.dropFirst(), starts).map { $0 - $1 }.max() ?? 0 }

    /// Calls `body(q, preds, target)` for every query, with its ranked documents.
    func forEach(_ body: (Int, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        try preds.withUnsafeBufferPointer { p in
            try target.withUnsafeBufferPointer { t in
                for q in 0..<count {
                    let r = starts[q]..<starts[q + 1]
                    try body(q, UnsafeBufferPointer(rebasing: p[r]), UnsafeBufferPointer(rebasing: t[r]))
                }
            }
        }
    }
}

/// Common descriptor parts of the retrieval metrics.
enum RetrievalDescriptor {
    static let inputs = ["preds", "target", "indexes"]
}
