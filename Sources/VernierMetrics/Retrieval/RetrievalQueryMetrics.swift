import Foundation
import VernierCore
import VernierTensor

// Every metric here is a RetrievalQueryMetric: `k` is `top_k` (None: every
// document of the query). Where TorchMetrics counts a relevant document
// only when its score is positive (average precision, reciprocal rank,
// precision, recall), so does Vernier.

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

/// Average precision of a query: the mean over the relevant documents among
/// the first `k` of `(relevant documents up to it) / (its rank)`; 0 if none
/// is in the first `k`. Aggregated: mean average precision.
public struct RetrievalMAPFormula: TopKQueryScoreFormula {
    /// `retrieval_average_precision`; higher is better.
    public static let info = MetricInfo(name: "retrieval_average_precision", summary: "mean average precision over queries",
                                        options: RetrievalOptions.common() + [RetrievalOptions.topK], higherIsBetter: true)
    /// `top_k`.
    public let topK: Int?
    /// The formula over the first `topK` documents (nil: all).
    public init(topK: Int?) { self.topK = topK }

    /// The query's average precision.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        var hits = 0.0, sum = 0.0
        for i in 0..<Swift.min(topK ?? preds.count, preds.count) where preds[i] > 0 && target[i] > 0 {
            hits += 1
            sum += hits / Double(i + 1)
        }
        return hits == 0 ? 0 : sum / hits
    }
}

/// Reciprocal rank of a query: `1 / rank` of the first relevant document
/// among the first `k`; 0 if there is none. Aggregated: mean reciprocal rank.
public struct RetrievalMRRFormula: TopKQueryScoreFormula {
    /// `retrieval_reciprocal_rank`; higher is better.
    public static let info = MetricInfo(name: "retrieval_reciprocal_rank", summary: "mean reciprocal rank of the first relevant document",
                                        options: RetrievalOptions.common() + [RetrievalOptions.topK], higherIsBetter: true)
    /// `top_k`.
    public let topK: Int?
    /// The formula over the first `topK` documents (nil: all).
    public init(topK: Int?) { self.topK = topK }

    /// The query's reciprocal rank.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        for i in 0..<Swift.min(topK ?? preds.count, preds.count) where preds[i] > 0 && target[i] > 0 { return 1 / Double(i + 1) }
        return 0
    }
}

/// Precision at k of a query: relevant documents among the first `k`
/// divided by `k` (with `adaptive_k`, a query shorter than `k` divides by
/// its size).
public struct RetrievalPrecisionFormula: QueryScoreFormula {
    /// `retrieval_precision`; higher is better.
    public static let info = MetricInfo(name: "retrieval_precision", summary: "precision of the top k documents",
                                        options: RetrievalOptions.common() + [RetrievalOptions.topK, RetrievalOptions.adaptiveK], higherIsBetter: true)
    /// `top_k`.
    public let topK: Int?
    /// `adaptive_k`.
    public let adaptiveK: Bool

    /// Reads `top_k` and `adaptive_k`.
    public init(options: MetricOptions, metric: String) {
        topK = options.int("top_k")
        adaptiveK = options.bool("adaptive_k") ?? false
    }

    /// The query's precision at k.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        var k = topK ?? preds.count
        if adaptiveK && k > preds.count { k = preds.count }
        return target.relevant(in: preds, first: k, positiveScores: true) / Double(k)
    }
}

/// Recall at k of a query: relevant documents among the first `k` divided
/// by all its relevant documents.
public struct RetrievalRecallFormula: TopKQueryScoreFormula {
    /// `retrieval_recall`; higher is better.
    public static let info = MetricInfo(name: "retrieval_recall", summary: "recall of the top k documents",
                                        options: RetrievalOptions.common() + [RetrievalOptions.topK], higherIsBetter: true)
    /// `top_k`.
    public let topK: Int?
    /// The formula over the first `topK` documents (nil: all).
    public init(topK: Int?) { self.topK = topK }

    /// The query's recall at k.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        target.relevant(in: preds, first: topK ?? preds.count, positiveScores: true) / target.total
    }
}

/// Fall-out at k of a query: non-relevant documents among the first `k`
/// divided by all its non-relevant documents (lower is better). A query is
/// "empty" when it has no non-relevant document; the default action is `pos`.
public struct RetrievalFallOutFormula: TopKQueryScoreFormula {
    /// `retrieval_fall_out`, `empty_target_action` `pos` by default; lower is better.
    public static let info = MetricInfo(name: "retrieval_fall_out", summary: "fall-out (share of non-relevant documents retrieved) of the top k",
                                        options: RetrievalOptions.common(empty: .pos) + [RetrievalOptions.topK], higherIsBetter: false)
    /// `top_k`.
    public let topK: Int?
    /// The formula over the first `topK` documents (nil: all).
    public init(topK: Int?) { self.topK = topK }

    /// No non-relevant document.
    public func isEmpty(_ target: UnsafeBufferPointer<Float>) -> Bool { target.total == Double(target.count) }
    /// `negative`.
    public var emptyDescription: String { "negative" }

    /// The query's fall-out at k.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        let k = Swift.min(topK ?? preds.count, preds.count)
        let retrieved = Double(k) - target.relevant(in: preds, first: k, positiveScores: false)
        return retrieved / (Double(target.count) - target.total)
    }
}

/// Hit rate at k of a query: 1 when a relevant document is among the first `k`, else 0.
public struct RetrievalHitRateFormula: TopKQueryScoreFormula {
    /// `retrieval_hit_rate`; higher is better.
    public static let info = MetricInfo(name: "retrieval_hit_rate", summary: "share of queries with a relevant document in the top k",
                                        options: RetrievalOptions.common() + [RetrievalOptions.topK], higherIsBetter: true)
    /// `top_k`.
    public let topK: Int?
    /// The formula over the first `topK` documents (nil: all).
    public init(topK: Int?) { self.topK = topK }

    /// 1 for a hit in the first `k`, else 0.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        target.relevant(in: preds, first: topK ?? preds.count, positiveScores: false) > 0 ? 1 : 0
    }
}

/// R-precision of a query with `R` relevant documents: the relevant share of its first `R`.
public struct RetrievalRPrecisionFormula: QueryScoreFormula {
    /// `retrieval_r_precision`; higher is better.
    public static let info = MetricInfo(name: "retrieval_r_precision", summary: "precision of the top R documents, R the number of relevant ones",
                                        options: RetrievalOptions.common(), higherIsBetter: true)

    /// The formula; it reads no option.
    public init(options: MetricOptions, metric: String) {}

    /// The query's R-precision.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
        let r = target.total
        return target.relevant(in: preds, first: Int(r), positiveScores: false) / r
    }
}

/// Normalised discounted cumulative gain at k of a query: `DCG / IDCG`, with
/// `DCG = Σᵢ<k relᵢ / log₂(i + 2)` over the ranking by score, where
/// documents with tied scores share the mean relevance of their group (so
/// the order among ties does not matter), and `IDCG` the same sum over the
/// relevances sorted descending. `IDCG = 0` gives 0.
///
/// Relevance is graded: any finite target value (used as the gain itself,
/// like TorchMetrics; negative gains are allowed). A query is empty when its
/// relevances sum to 0.
public struct RetrievalNormalizedDCGFormula: TopKQueryScoreFormula {
    /// `retrieval_normalized_dcg`; higher is better.
    public static let info = MetricInfo(name: "retrieval_normalized_dcg", summary: "normalised discounted cumulative gain of the top k",
                                        options: RetrievalOptions.common() + [RetrievalOptions.topK], higherIsBetter: true)
    /// Graded relevance.
    public static var graded: Bool { true }
    /// `top_k`.
    public let topK: Int?
    /// The formula over the first `topK` documents (nil: all).
    public init(topK: Int?) { self.topK = topK }

    @inline(__always)
    static func discount(_ i: Int) -> Double { 1 / Foundation.log2(Double(i + 2)) }

    /// The query's NDCG at k.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
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

/// Retrieval AUROC of a query: the area under the ROC curve of its first
/// `k` documents (binary AUROC, ties handled by thresholds); with `max_fpr`
/// the McClish-standardised partial area up to that false positive rate.
/// A query whose first `k` documents are all relevant or all non-relevant
/// scores 0, as in TorchMetrics. Scores outside [0, 1] are read as logits
/// (sigmoid in float32, like TorchMetrics, which can merge nearly equal large scores).
public struct RetrievalAUROCFormula: QueryScoreFormula {
    /// `retrieval_auroc`; higher is better.
    public static let info = MetricInfo(
        name: "retrieval_auroc", summary: "area under the ROC curve per query",
        options: RetrievalOptions.common() + [RetrievalOptions.topK,
                                              OptionSpec("max_fpr", .optional(.double()), default: .none, help: "partial AUC up to this false positive rate, in (0, 1]")],
        higherIsBetter: true)
    /// `top_k`.
    public let topK: Int?
    /// `max_fpr`.
    public let maxFPR: Double?

    /// Reads `top_k` and `max_fpr`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when `max_fpr` is not in (0, 1].
    public init(options: MetricOptions, metric: String) throws {
        topK = options.int("top_k")
        maxFPR = options.double("max_fpr")
        if let maxFPR, !(maxFPR > 0 && maxFPR <= 1) {
            throw MetricError.invalidOption(metric: metric, option: "max_fpr", expected: "None or a number in (0, 1], got \(maxFPR)")
        }
    }

    /// The query's (partial) AUROC.
    public func score(preds: UnsafeBufferPointer<Float>, target: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) -> Double {
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

extension RetrievalQueryMetric where Formula == RetrievalPrecisionFormula {
    /// Precision at `topK` (nil: every document), per query size with `adaptiveK`;
    /// `emptyTargetAction` nil keeps the default `neg`.
    public convenience init(topK: Int? = nil, adaptiveK: Bool = false, emptyTargetAction: EmptyTargetAction? = nil, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation,
                                             ["top_k": RetrievalOptions.optional(topK), "adaptive_k": .bool(adaptiveK)]))
    }
}

extension RetrievalQueryMetric where Formula == RetrievalRPrecisionFormula {
    /// R-precision; `emptyTargetAction` nil keeps the default `neg`.
    public convenience init(emptyTargetAction: EmptyTargetAction? = nil, ignoreIndex: Int? = nil, aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation))
    }
}

extension RetrievalQueryMetric where Formula == RetrievalAUROCFormula {
    /// AUROC of the first `topK` documents (nil: all), partial up to `maxFPR`
    /// when given; `emptyTargetAction` nil keeps the default `neg`.
    public convenience init(topK: Int? = nil, maxFPR: Double? = nil, emptyTargetAction: EmptyTargetAction? = nil, ignoreIndex: Int? = nil,
                            aggregation: RetrievalAggregation = .mean) throws {
        try self.init(RetrievalOptions.given(emptyTargetAction, ignoreIndex, aggregation,
                                             ["top_k": RetrievalOptions.optional(topK), "max_fpr": maxFPR.map { .double($0) } ?? .none]))
    }
}

/// Mean average precision over queries (see ``RetrievalMAPFormula``).
public typealias RetrievalMAP = RetrievalQueryMetric<RetrievalMAPFormula>
/// Mean reciprocal rank over queries (see ``RetrievalMRRFormula``).
public typealias RetrievalMRR = RetrievalQueryMetric<RetrievalMRRFormula>
/// Precision at k, aggregated over queries (see ``RetrievalPrecisionFormula``).
public typealias RetrievalPrecision = RetrievalQueryMetric<RetrievalPrecisionFormula>
/// Recall at k, aggregated over queries (see ``RetrievalRecallFormula``).
public typealias RetrievalRecall = RetrievalQueryMetric<RetrievalRecallFormula>
/// Fall-out at k, aggregated over queries (see ``RetrievalFallOutFormula``).
public typealias RetrievalFallOut = RetrievalQueryMetric<RetrievalFallOutFormula>
/// Hit rate at k: the share of queries with a relevant document in the first k (see ``RetrievalHitRateFormula``).
public typealias RetrievalHitRate = RetrievalQueryMetric<RetrievalHitRateFormula>
/// R-precision, aggregated over queries (see ``RetrievalRPrecisionFormula``).
public typealias RetrievalRPrecision = RetrievalQueryMetric<RetrievalRPrecisionFormula>
/// Normalised discounted cumulative gain at k, aggregated over queries (see ``RetrievalNormalizedDCGFormula``).
public typealias RetrievalNormalizedDCG = RetrievalQueryMetric<RetrievalNormalizedDCGFormula>
/// Per-query AUROC, aggregated over queries (see ``RetrievalAUROCFormula``).
public typealias RetrievalAUROC = RetrievalQueryMetric<RetrievalAUROCFormula>
