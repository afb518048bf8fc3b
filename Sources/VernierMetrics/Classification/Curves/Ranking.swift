import VernierCore
import VernierTensor

/// The multilabel ranking metrics (TorchMetrics' `_multilabel_coverage_error_update`,
/// `_multilabel_ranking_average_precision_update`, `_multilabel_ranking_loss_update`).
///
/// Each row (sample, extra position) ranks its `L` label scores. Inputs are
/// formatted like TorchMetrics' multilabel confusion matrix: probabilities or
/// logits (sigmoid, decided on the batch), and an ignored target position
/// keeps its place in the row with score `-4·L` and counts as neither
/// relevant nor irrelevant. States: `measure` (float64 sum) and `total`
/// (int64 row count), summed, and `format_counts`.
enum LabelRanking {
    static let specs: [OptionSpec] = [CurveOptions.numLabels, CurveOptions.ignoreIndex, CurveOptions.validateArgs, CurveOptions.inputFormat]
    static var states: [StateSpec] {
        [StateSpec("measure", .zeros([], dtype: .float64), .sum), StateSpec("total", .zeros([], dtype: .int64), .sum), ScoreReading.formatSpec]
    }

    /// Validates a batch and folds its `(measure, rows)` into the states.
    static func update<Formula: RankingFormula>(_ state: inout MetricState, _ inputs: MetricInputs, _: Formula.Type, numLabels: Int, ignoreIndex: Int?,
                                                format: InputFormat, metric: String) throws {
        let batch = try CurveInput.multilabelScores(try inputs.tensor("preds", metric: metric), try inputs.tensor("target", metric: metric),
                                                    numLabels: numLabels, ignoreIndex: ignoreIndex, format: format,
                                                    allowFloatTarget: true, metric: metric)
        let l = numLabels
        var scores = batch.scores.cast(.float64).toArray(Double.self)
        let target = batch.target.toArray(UInt8.self)
        for i in target.indices where target[i] == CurveConfig.ignoredTarget { scores[i] = Double(-4 * l) }
        let (measure, counted) = try Formula.measure(scores, target, rows: target.count / l, labels: l)
        state["measure"] = state["measure"] + Tensor.scalar(measure, dtype: .float64)
        state["total"] = state["total"] + Tensor.scalar(Int64(counted))
        ScoreReading.record(&state, logits: batch.logits)
    }

    /// `measure / total`.
    ///
    /// - Throws: when no row was counted.
    static func compute(_ state: MetricState, metric: String) throws -> MetricValue {
        let total = state["total"].int64Element(at: 0)
        guard total > 0 else {
            throw MetricError.failed(metric: metric, detail: "no samples to compute on: every batch was empty")
        }
        return .scalar(state["measure"].item() / Double(total))
    }
}


/// The per-row measure of one multilabel ranking metric, summed over a batch
/// (``MultilabelRankingMetric``). Rows are `labels` consecutive scores (an
/// ignored position scored `-4·L`) with targets 1 (relevant), 0
/// (irrelevant) or ``CurveConfig/ignoredTarget``.
public protocol RankingFormula: Sendable {
    /// The metric's registry facts.
    static var info: MetricInfo { get }
    /// The measure summed over the batch's `rows` rows, and the number of
    /// rows it counts as.
    ///
    /// - Throws: when a kernel fails on the batch.
    static func measure(_ scores: [Double], _ target: [UInt8], rows: Int, labels: Int) throws -> (sum: Double, rows: Int)
}

/// A multilabel ranking metric: every row (sample, extra position) ranks its
/// `L` label scores and `Formula` measures the ranking; the value is the
/// measure summed over rows divided by the rows counted, a float32 scalar
/// (no row at all: an error).
///
/// Inputs: `preds (N, L, ...)` probabilities or logits (sigmoid, decided on
/// the batch), `target (N, L, ...)` 0/1 or `ignore_index`; an ignored
/// position keeps its place in the row, scored `-4·L`, and is neither
/// relevant nor irrelevant. States: `measure` (float64 sum) and `total`
/// (int64 rows), summed, and `format_counts`.
public final class MultilabelRankingMetric<Formula: RankingFormula>: RegisteredMetric {
    /// The registry entry.
    public static var descriptor: MetricDescriptor { Formula.info.descriptor(of: Self.self, domain: .classification) }

    /// The registry name.
    public var name: String { Formula.info.name }
    /// The resolved options.
    public let options: MetricOptions
    /// States, update count and cached value.
    public var storage = MetricStorage(LabelRanking.states)
    /// The formula's direction.
    public var higherIsBetter: Bool? { Formula.info.higherIsBetter }
    let numLabels: Int
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    /// Builds the metric from resolved options.
    public init(options: MetricOptions) throws {
        self.options = options
        numLabels = options.int("num_labels") ?? 2
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
    }

    /// The metric over `numLabels` labels.
    public convenience init(numLabels: Int, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    /// Validates the batch and adds its rows' measure and count.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try LabelRanking.update(&state, inputs, Formula.self, numLabels: numLabels, ignoreIndex: ignoreIndex, format: inputFormat, metric: name)
    }

    /// The mean measure over the counted rows.
    public func computeValue(from state: MetricState) throws -> MetricValue { try LabelRanking.compute(state, metric: name) }
}

/// Coverage error: per row, how far down the ranking of label scores one
/// must go to cover every relevant label (the number of labels scored at
/// least as high as the lowest-scored relevant one; all `L` when the row has
/// an ignored position); a row without relevant labels counts 0. Lower is better.
public enum CoverageErrorFormula: RankingFormula {
    /// `multilabel_coverage_error`; lower is better.
    public static let info = MetricInfo(name: "multilabel_coverage_error", summary: "mean depth of the label ranking needed to cover all relevant labels",
                                        options: LabelRanking.specs, higherIsBetter: false)

    /// The summed coverage of every row of the batch.
    public static func measure(_ s: [Double], _ t: [UInt8], rows: Int, labels l: Int) -> (sum: Double, rows: Int) {
        // TorchMetrics lifts irrelevant scores by |batch min| + 10 so that the row minimum is a relevant (or ignored) score.
        let offset = Swift.abs(s.min() ?? 0) + 10
        var total = 0.0
        for r in 0..<rows {
            let row = r * l
            var lowest = Double.infinity
            for j in 0..<l { lowest = Swift.min(lowest, t[row + j] == 0 ? s[row + j] + offset : s[row + j]) }
            for j in 0..<l where s[row + j] >= lowest { total += 1 }
        }
        return (total, rows)
    }
}

/// Label-ranking average precision: per row, the mean over its relevant
/// labels of the precision of the ranking cut at that label (relevant labels
/// scored at least as high / labels scored at least as high; ties count as
/// ranked above). A row with no relevant or only relevant labels scores 1.
/// Value in [0, 1]; higher is better.
public enum RankingAveragePrecisionFormula: RankingFormula {
    /// `multilabel_ranking_average_precision`; higher is better.
    public static let info = MetricInfo(name: "multilabel_ranking_average_precision", summary: "label-ranking average precision of multilabel scores",
                                        options: LabelRanking.specs, higherIsBetter: true)

    /// The summed precision of every row of the batch.
    public static func measure(_ s: [Double], _ t: [UInt8], rows: Int, labels l: Int) -> (sum: Double, rows: Int) {
        /// The number of `sorted` (ascending) values `>= v`.
        func atLeast(_ sorted: [Double], _ v: Double) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if sorted[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return sorted.count - lo
        }
        var total = 0.0
        for r in 0..<rows {
            let row = Array(s[(r * l)..<((r + 1) * l)])
            let relevant = (0..<l).filter { t[r * l + $0] == 1 }.map { row[$0] }
            guard !relevant.isEmpty && relevant.count < l else { total += 1; continue }
            let all = row.sorted(), rel = relevant.sorted()
            let sum = relevant.reduce(0.0) { $0 + Double(atLeast(rel, $1)) / Double(atLeast(all, $1)) }
            total += sum / Double(relevant.count)
        }
        return (total, rows)
    }
}

/// Ranking loss: per row with some but not all labels relevant, the fraction
/// of (relevant, irrelevant) label pairs where the irrelevant label is ranked
/// higher, from the labels' positions in an ascending sort of the row (ties
/// in the order of PyTorch's unstable CPU sort, `argsort(stable: false)`).
/// Summed and divided by the number of rows (rows without a mixed target
/// count in the division with loss 0). As in TorchMetrics, a batch where no
/// row is mixed adds a loss of 0 over one row, so such batches make the
/// result depend on batching. Lower is better.
public enum RankingLossFormula: RankingFormula {
    /// `multilabel_ranking_loss`; lower is better.
    public static let info = MetricInfo(name: "multilabel_ranking_loss", summary: "fraction of wrongly ordered (relevant, irrelevant) label pairs",
                                        options: LabelRanking.specs, higherIsBetter: false)

    /// The summed loss of the batch and its rows: every row, or a sum of 0
    /// over 1 row when no row of the batch qualifies (TorchMetrics' rule).
    public static func measure(_ s: [Double], _ t: [UInt8], rows: Int, labels l: Int) throws -> (sum: Double, rows: Int) {
        let orders = try Tensor(s, shape: [rows, l]).argsort(axis: 1, stable: false).toArray(Int64.self)
        var total = 0.0
        var qualifying = 0
        var position = [Int](repeating: 0, count: l)
        for r in 0..<rows {
            let relevant = (0..<l).filter { t[r * l + $0] == 1 }
            let k = relevant.count
            guard k > 0 && k < l else { continue }
            qualifying += 1
            for p in 0..<l { position[Int(orders[r * l + p])] = p }
            let sum = relevant.reduce(0.0) { $0 + Double(l - position[$1]) }
            total += (sum - 0.5 * Double(k) * Double(k + 1)) / (Double(k) * Double(l - k))
        }
        return qualifying == 0 ? (0, 1) : (total, rows)
    }
}

/// Multilabel coverage error (see ``CoverageErrorFormula``).
public typealias MultilabelCoverageError = MultilabelRankingMetric<CoverageErrorFormula>

/// Multilabel label-ranking average precision (see ``RankingAveragePrecisionFormula``).
public typealias MultilabelRankingAveragePrecision = MultilabelRankingMetric<RankingAveragePrecisionFormula>

/// Multilabel ranking loss (see ``RankingLossFormula``).
public typealias MultilabelRankingLoss = MultilabelRankingMetric<RankingLossFormula>
