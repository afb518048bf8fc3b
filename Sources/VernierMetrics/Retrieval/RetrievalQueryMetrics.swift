import Foundation
import VernierCore
import VernierTensor

// Every metric here takes `preds` (float scores), `target` (relevance) and
// `indexes` (query ids) of one shape, groups documents by query, ranks them
// by score (ties keep arrival order), scores each query and aggregates with
// `aggregation` (mean, median, min, max). `k` is `top_k` (None: every
// document of the query). A query with no positive target is handled by
// `empty_target_action` (neg: 0, pos: 1, skip, error). Where TorchMetrics
// counts a relevant document only when its score is positive (average
// precision, reciprocal rank, precision, recall), so does Vernier.

extension UnsafeBufferPointer where Element == Float {
    /// The number of the first `k` documents that are relevant (with a positive score when `positiveScores`).
    @inline(__always)
    func relevant(in preds: UnsafeBufferPointer<Float>, first k: Int, positiveScores: Bool) -> Double {
        var total = 0.0
        for i in 0..<Swift.min(k, count) where !positiveScores || preds[i] > 0 { total += Double(self[i]) }
        return total
    }

    /// The sum of the elements.
    var total: Double { reduce(0) { $0 + Double($1) } }
}

/// Mean average precision: per query, the mean over the relevant documents
/// among the first `k` of `(relevant documents up to it) / (its rank)`; 0 if
/// none is in the first `k`.
public final class RetrievalMAP: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_average_precision", domain: .retrieval, summary: "mean average precision over queries",
        options: RetrievalOptions.common() + [RetrievalOptions.topK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalMAP(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        storage = MetricStorage(config.stateSpecs)
    }

    /// Mean average precision over the first `topK` documents (nil: all).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        var hits = 0.0, sum = 0.0
        for i in 0..<Swift.min(topK ?? preds.count, preds.count) where preds[i] > 0 && target[i] > 0 {
            hits += 1
            sum += hits / Double(i + 1)
        }
        return hits == 0 ? 0 : sum / hits
    }
}

/// Mean reciprocal rank: per query `1 / rank` of the first relevant
/// document among the first `k`; 0 if there is none.
public final class RetrievalMRR: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_reciprocal_rank", domain: .retrieval, summary: "mean reciprocal rank of the first relevant document",
        options: RetrievalOptions.common() + [RetrievalOptions.topK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalMRR(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        storage = MetricStorage(config.stateSpecs)
    }

    /// Mean reciprocal rank within the first `topK` documents (nil: all).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        for i in 0..<Swift.min(topK ?? preds.count, preds.count) where preds[i] > 0 && target[i] > 0 { return 1 / Double(i + 1) }
        return 0
    }
}

/// Precision at k: per query, relevant documents among the first `k`
/// divided by `k` (with `adaptive_k`, a query shorter than `k` divides by
/// its size).
public final class RetrievalPrecision: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_precision", domain: .retrieval, summary: "precision of the top k documents",
        options: RetrievalOptions.common() + [RetrievalOptions.topK, RetrievalOptions.adaptiveK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalPrecision(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?
    let adaptiveK: Bool

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        adaptiveK = options.bool("adaptive_k") ?? false
        storage = MetricStorage(config.stateSpecs)
    }

    /// Precision at `topK` (nil: every document), per query size with `adaptiveK`.
    public convenience init(topK: Int? = nil, adaptiveK: Bool = false, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK), "adaptive_k": .bool(adaptiveK)]))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        var k = topK ?? preds.count
        if adaptiveK && k > preds.count { k = preds.count }
        return target.relevant(in: preds, first: k, positiveScores: true) / Double(k)
    }
}

/// Recall at k: per query, relevant documents among the first `k` divided
/// by all its relevant documents.
public final class RetrievalRecall: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_recall", domain: .retrieval, summary: "recall of the top k documents",
        options: RetrievalOptions.common() + [RetrievalOptions.topK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalRecall(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        storage = MetricStorage(config.stateSpecs)
    }

    /// Recall at `topK` (nil: every document).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        target.relevant(in: preds, first: topK ?? preds.count, positiveScores: true) / target.total
    }
}

/// Fall-out at k: per query, non-relevant documents among the first `k`
/// divided by all its non-relevant documents (lower is better). A query is
/// "empty" when it has no non-relevant document; the default action is `pos`.
public final class RetrievalFallOut: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_fall_out", domain: .retrieval, summary: "fall-out (share of non-relevant documents retrieved) of the top k",
        options: RetrievalOptions.common(empty: .pos) + [RetrievalOptions.topK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalFallOut(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let config: RetrievalConfig
    let topK: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        storage = MetricStorage(config.stateSpecs)
    }

    /// Fall-out at `topK` (nil: every document).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction = .pos, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }

    func isEmpty(_ target: UnsafeBufferPointer<Float>) -> Bool { target.total == Double(target.count) }
    var emptyDescription: String { "negative" }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        let k = Swift.min(topK ?? preds.count, preds.count)
        let retrieved = Double(k) - target.relevant(in: preds, first: k, positiveScores: false)
        return retrieved / (Double(target.count) - target.total)
    }
}

/// Hit rate at k: per query 1 when a relevant document is among the first `k`, else 0.
public final class RetrievalHitRate: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_hit_rate", domain: .retrieval, summary: "share of queries with a relevant document in the top k",
        options: RetrievalOptions.common() + [RetrievalOptions.topK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalHitRate(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        storage = MetricStorage(config.stateSpecs)
    }

    /// Hit rate at `topK` (nil: every document).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        target.relevant(in: preds, first: topK ?? preds.count, positiveScores: false) > 0 ? 1 : 0
    }
}

/// R-precision: per query with `R` relevant documents, the relevant share of its first `R`.
public final class RetrievalRPrecision: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_r_precision", domain: .retrieval, summary: "precision of the top R documents, R the number of relevant ones",
        options: RetrievalOptions.common(), inputs: RetrievalDescriptor.inputs
    ) { try RetrievalRPrecision(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        storage = MetricStorage(config.stateSpecs)
    }

    /// R-precision.
    public convenience init(emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        let r = target.total
        return target.relevant(in: preds, first: Int(r), positiveScores: false) / r
    }
}

/// Normalised discounted cumulative gain at k: per query `DCG / IDCG`, with
/// `DCG = Σᵢ<k relᵢ / log₂(i + 2)` over the ranking by score, where
/// documents with tied scores share the mean relevance of their group (so
/// the order among ties does not matter), and `IDCG` the same sum over the
/// relevances sorted descending. `IDCG = 0` gives 0.
///
/// Relevance is graded: any finite target value (used as the gain itself,
/// like TorchMetrics; negative gains are allowed). A query is empty when its
/// relevances sum to 0.
public final class RetrievalNormalizedDCG: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_normalized_dcg", domain: .retrieval, summary: "normalised discounted cumulative gain of the top k",
        options: RetrievalOptions.common() + [RetrievalOptions.topK], inputs: RetrievalDescriptor.inputs
    ) { try RetrievalNormalizedDCG(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options, graded: true)
        topK = options.int("top_k")
        storage = MetricStorage(config.stateSpecs)
    }

    /// NDCG at `topK` (nil: every document).
    public convenience init(topK: Int? = nil, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK)]))
    }

    @inline(__always)
    static func discount(_ i: Int) -> Double { 1 / Foundation.log2(Double(i + 2)) }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        let n = preds.count, k = Swift.min(topK ?? n, n)
        var gain = 0.0
        var start = 0
        while start < k {
            var end = start + 1
            var sum = Double(target[start])
            while end < n && preds[end] == preds[start] {
                sum += Double(target[end])
                end += 1
            }
            var discounts = 0.0
            for i in start..<Swift.min(end, k) { discounts += Self.discount(i) }
            gain += sum / Double(end - start) * discounts
            start = end
        }
        let ideal = Self.idealGain(target, k, scratch)
        return ideal == 0 ? 0 : gain / ideal
    }

    /// `Σᵢ<k relᵢ / log₂(i + 2)` over the relevances sorted descending; 0/1
    /// relevance needs only the count of ones, other values are sorted in `scratch`.
    static func idealGain(_ target: UnsafeBufferPointer<Float>, _ k: Int, _ scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        var ones = 0, binary = true
        for v in target {
            if v == 1 { ones += 1 } else if v != 0 { binary = false; break }
        }
        var ideal = 0.0
        if binary {
            for i in 0..<Swift.min(k, ones) { ideal += discount(i) }
            return ideal
        }
        var sorted = UnsafeMutableBufferPointer(rebasing: scratch[0..<target.count])
        _ = sorted.initialize(from: target)
        sorted.sort(by: >)
        for i in 0..<k { ideal += Double(sorted[i]) * discount(i) }
        return ideal
    }
}

/// Retrieval AUROC: per query, the area under the ROC curve of its first
/// `k` documents (binary AUROC, ties handled by thresholds); with `max_fpr`
/// the McClish-standardised partial area up to that false positive rate.
/// A query whose first `k` documents are all relevant or all non-relevant
/// scores 0, as in TorchMetrics. Scores outside [0, 1] are read as logits
/// (sigmoid in float32, like TorchMetrics, which can merge nearly equal large scores).
public final class RetrievalAUROC: RetrievalQueryMetric {
    public static let descriptor = MetricDescriptor(
        name: "retrieval_auroc", domain: .retrieval, summary: "area under the ROC curve per query",
        options: RetrievalOptions.common() + [RetrievalOptions.topK,
                                              OptionSpec("max_fpr", .optional(.double()), default: .none, help: "partial AUC up to this false positive rate, in (0, 1]")],
        inputs: RetrievalDescriptor.inputs
    ) { try RetrievalAUROC(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { true }
    let config: RetrievalConfig
    let topK: Int?
    let maxFPR: Double?

    public init(options: MetricOptions) throws {
        self.options = options
        config = RetrievalConfig(options)
        topK = options.int("top_k")
        maxFPR = options.double("max_fpr")
        if let maxFPR, !(maxFPR > 0 && maxFPR <= 1) {
            throw MetricError.invalidOption(metric: Self.descriptor.name, option: "max_fpr", expected: "None or a number in (0, 1], got \(maxFPR)")
        }
        storage = MetricStorage(config.stateSpecs)
    }

    /// AUROC of the first `topK` documents (nil: all), partial up to `maxFPR` when given.
    public convenience init(topK: Int? = nil, maxFPR: Double? = nil, emptyTargetAction: EmptyTargetAction = .neg, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation, ["top_k": RetrievalOptions.optional(topK), "max_fpr": maxFPR.map { .double($0) } ?? .none]))
    }

    func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        let k = Swift.min(topK ?? preds.count, preds.count)
        let positives = UnsafeBufferPointer(rebasing: target[0..<k]).total, negatives = Double(k) - positives
        guard positives > 0, negatives > 0 else { return 0 }
        let logits = preds[0..<k].contains { $0 < 0 || $0 > 1 }
        func score(_ i: Int) -> Float { logits ? Float(1 / (1 + Foundation.exp(-Double(preds[i])))) : preds[i] }
        let limit = maxFPR ?? 1
        var tp = 0.0, fp = 0.0, x0 = 0.0, y0 = 0.0, area = 0.0
        var i = 0
        while i < k {
            let threshold = score(i)
            while i < k && score(i) == threshold {
                if target[i] > 0 { tp += 1 } else { fp += 1 }
                i += 1
            }
            let x1 = fp / negatives, y1 = tp / positives
            if x1 > limit {
                let y = y0 + (limit - x0) / (x1 - x0) * (y1 - y0)
                area += (limit - x0) * (y + y0) / 2
                break
            }
            area += (x1 - x0) * (y1 + y0) / 2
            x0 = x1
            y0 = y1
        }
        guard let m = maxFPR, m < 1 else { return area }
        let minArea = m * m / 2
        return (1 + (area - minArea) / (m - minArea)) / 2
    }
}
