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
enum RankingFormula {
    enum Kind { case coverage, averagePrecision, loss }

    static let specs: [OptionSpec] = [CurveOptions.numLabels, CurveOptions.ignoreIndex, CurveOptions.validateArgs, CurveOptions.inputFormat]
    static var states: [StateSpec] {
        [StateSpec("measure", .zeros([], dtype: .float64), .sum), StateSpec("total", .zeros([], dtype: .int64), .sum), ScoreReading.formatSpec]
    }

    /// Validates a batch and folds its `(measure, rows)` into the states.
    static func update(_ state: inout MetricState, _ inputs: MetricInputs, kind: Kind, numLabels: Int, ignoreIndex: Int?,
                       format: InputFormat, metric: String) throws {
        let batch = try CurveInput.multilabelScores(try inputs.tensor("preds", metric: metric), try inputs.tensor("target", metric: metric),
                                                    numLabels: numLabels, ignoreIndex: ignoreIndex, format: format,
                                                    allowFloatTarget: true, metric: metric)
        let l = numLabels
        var scores = batch.scores.cast(.float64).toArray(Double.self)
        let target = batch.target.toArray(UInt8.self)
        for i in target.indices where target[i] == CurveConfig.ignoredTarget { scores[i] = Double(-4 * l) }
        let rows = target.count / l
        let (measure, counted): (Double, Int)
        switch kind {
        case .coverage: (measure, counted) = (coverage(scores, target, rows, l), rows)
        case .averagePrecision: (measure, counted) = (averagePrecision(scores, target, rows, l), rows)
        case .loss: (measure, counted) = try loss(scores, target, rows, l)
        }
        state["measure"] = state["measure"] + Tensor.scalar(measure, dtype: .float64)
        state["total"] = state["total"] + Tensor.scalar(Int64(counted))
        ScoreReading.record(&state, logits: batch.logits)
    }

    /// Σ over rows of the number of labels scored at least as high as the
    /// lowest-scored relevant label (all `L` when the row has an ignored
    /// position, 0 when it has no relevant label: TorchMetrics' offset rule).
    static func coverage(_ s: [Double], _ t: [UInt8], _ rows: Int, _ l: Int) -> Double {
        // TorchMetrics lifts irrelevant scores by |batch min| + 10 so that the row minimum is a relevant (or ignored) score.
        let offset = Swift.abs(s.min() ?? 0) + 10
        var total = 0.0
        for r in 0..<rows {
            let row = r * l
            var lowest = Double.infinity
            for j in 0..<l { lowest = Swift.min(lowest, t[row + j] == 0 ? s[row + j] + offset : s[row + j]) }
            for j in 0..<l where s[row + j] >= lowest { total += 1 }
        }
        return total
    }

    /// Σ over rows of the mean, over relevant labels, of (relevant labels
    /// scored at least as high) / (labels scored at least as high); a row
    /// with no relevant label or only relevant labels scores 1.
    static func averagePrecision(_ s: [Double], _ t: [UInt8], _ rows: Int, _ l: Int) -> Double {
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
        return total
    }

    /// Over rows with some but not all labels relevant: the fraction of
    /// (relevant, irrelevant) pairs ordered wrongly, from the labels' positions
    /// in an ascending sort of the row (ties in the order of PyTorch's
    /// unstable CPU sort, `argsort(stable: false)`). Returns the sum and the
    /// rows counted: every row of the batch, or — TorchMetrics' rule — a sum
    /// of 0 over 1 row when no row of the batch qualifies.
    static func loss(_ s: [Double], _ t: [UInt8], _ rows: Int, _ l: Int) throws -> (Double, Int) {
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

/// Multilabel coverage error: per row, how far down the ranking of label
/// scores one must go to cover every relevant label (the number of labels
/// scored at least as high as the lowest-scored relevant one); averaged over
/// rows. A row without relevant labels counts 0.
///
/// Inputs: `preds (N, L, ...)` probabilities or logits, `target (N, L, ...)`
/// 0/1 or `ignore_index` (see ``RankingFormula`` for how ignored positions
/// count). Output: a float32 scalar; lower is better.
public final class MultilabelCoverageError: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_coverage_error", domain: .classification, summary: "mean depth of the label ranking needed to cover all relevant labels",
        options: RankingFormula.specs
    ) { try MultilabelCoverageError(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage(RankingFormula.states)
    public var higherIsBetter: Bool? { false }
    let numLabels: Int
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numLabels = options.int("num_labels") ?? 2
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
    }

    /// Coverage error over `numLabels` labels.
    public convenience init(numLabels: Int, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try RankingFormula.update(&state, inputs, kind: .coverage, numLabels: numLabels, ignoreIndex: ignoreIndex, format: inputFormat, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { try RankingFormula.compute(state, metric: name) }
}

/// Multilabel label-ranking average precision: per row, the mean over its
/// relevant labels of the precision of the ranking cut at that label
/// (relevant labels scored at least as high / labels scored at least as
/// high; ties count as ranked above); averaged over rows. A row with no
/// relevant or only relevant labels scores 1.
///
/// Inputs as ``MultilabelCoverageError``. Output: a float32 scalar in [0, 1].
public final class MultilabelRankingAveragePrecision: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_ranking_average_precision", domain: .classification, summary: "label-ranking average precision of multilabel scores",
        options: RankingFormula.specs
    ) { try MultilabelRankingAveragePrecision(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage(RankingFormula.states)
    public var higherIsBetter: Bool? { true }
    let numLabels: Int
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numLabels = options.int("num_labels") ?? 2
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
    }

    /// Label-ranking average precision over `numLabels` labels.
    public convenience init(numLabels: Int, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try RankingFormula.update(&state, inputs, kind: .averagePrecision, numLabels: numLabels, ignoreIndex: ignoreIndex, format: inputFormat, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { try RankingFormula.compute(state, metric: name) }
}

/// Multilabel ranking loss: per row with some but not all labels relevant,
/// the fraction of (relevant, irrelevant) label pairs where the irrelevant
/// label is ranked higher; summed and divided by the number of rows (rows
/// without a mixed target count in the division with loss 0). As in
/// TorchMetrics, a batch where no row is mixed adds a loss of 0 over one row,
/// so such batches make the result depend on batching.
///
/// Inputs as ``MultilabelCoverageError``. Output: a float32 scalar; lower is better.
public final class MultilabelRankingLoss: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "multilabel_ranking_loss", domain: .classification, summary: "fraction of wrongly ordered (relevant, irrelevant) label pairs",
        options: RankingFormula.specs
    ) { try MultilabelRankingLoss(options: $0) }

    public let options: MetricOptions
    public var storage = MetricStorage(RankingFormula.states)
    public var higherIsBetter: Bool? { false }
    let numLabels: Int
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numLabels = options.int("num_labels") ?? 2
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
    }

    /// Ranking loss over `numLabels` labels.
    public convenience init(numLabels: Int, ignoreIndex: Int? = nil) throws {
        try self.init(["num_labels": .int(numLabels), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try RankingFormula.update(&state, inputs, kind: .loss, numLabels: numLabels, ignoreIndex: ignoreIndex, format: inputFormat, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue { try RankingFormula.compute(state, metric: name) }
}
