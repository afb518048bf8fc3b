import Foundation
import VernierCore
import VernierTensor

/// The classification task of a metric (TorchMetrics' `task`).
public enum ClassificationTask: String, Sendable {
    case binary, multiclass, multilabel
}

/// How per-class scores are reduced (TorchMetrics' `average`).
public enum ClassAverage: String, Sendable {
    /// Scores from the statistics summed over classes.
    case micro
    /// The unweighted mean of per-class scores (multiclass: classes absent
    /// from both preds and target are left out).
    case macro
    /// The mean of per-class scores weighted by support (`tp + fn`).
    case weighted
    /// One score per class.
    case none
}

/// How extra dimensions `...` of `(N, ...)` inputs are handled.
public enum MultidimAverage: String, Sendable {
    /// Flattened into the batch: one set of statistics.
    case global
    /// One set of statistics per sample (first axis).
    case samplewise
}

/// How float `preds` are read in the binary and multilabel tasks.
///
/// `auto` is TorchMetrics' rule, applied to each `update` batch on its own:
/// a batch with any value outside [0, 1] (or any NaN) is logits (sigmoid is
/// applied; NaN then counts as negative),
/// otherwise probabilities. That decision can differ between the batches of
/// one run (TorchMetrics issues #1604, #2195): a batch of logits that all
/// happen to fall in [0, 1] is read as probabilities. Vernier keeps
/// TorchMetrics' results under `auto`, records in the state when a run has
/// seen both kinds (``StatScoresConfig/mixedFormatState``), and offers
/// `probs` and `logits` to fix the reading for the whole run: with those the
/// decision cannot flip. `labels` requires integer 0/1 preds.
public enum InputFormat: String, Sendable {
    case auto, probs, logits, labels
}

/// Which statistics a classification metric accumulates.
public enum ClassificationStatistics: String, Sendable {
    /// `tp`, `fp`, `tn`, `fn` per class or label, global or per sample
    /// (accuracy, precision, recall, F-scores, specificity, ...).
    case statScores
    /// The confusion matrix `confmat`: `[2, 2]` binary, `[C, C]` multiclass
    /// (rows: target, columns: prediction), `[L, 2, 2]` multilabel
    /// (confusion matrix, Matthews, Cohen's kappa, Jaccard).
    case confusionMatrix
    /// `correct` and `total`: samples (or positions) predicted right everywhere.
    case exactMatch
}

/// The resolved options of a classification metric built on the shared
/// counting engine, and the state layout they imply.
///
/// States (TorchMetrics' layout):
/// - ``ClassificationStatistics/statScores``: `tp`, `fp`, `tn`, `fn`;
///   global: int64 `[]` (binary) or `[C]`, summed; samplewise: `cat` lists
///   of int32 `[N]` or `[N, C]` batches (a sample's counts are bounded by
///   its element count, so int32 halves the memory safely).
/// - ``ClassificationStatistics/confusionMatrix``: `confmat`, int64, summed.
/// - ``ClassificationStatistics/exactMatch``: `correct`, `total`; int64
///   summed scalars (global) or `cat` lists of int32 `[N]` (samplewise).
/// - binary and multilabel add ``mixedFormatState``.
public struct StatScoresConfig: Sendable {
    /// The task: binary, multiclass or multilabel.
    public let task: ClassificationTask
    /// Which statistics the states hold.
    public private(set) var statistics: ClassificationStatistics
    /// 1 for binary, the number of classes or labels otherwise.
    public let numClasses: Int
    /// Float preds above it are positive (binary, multilabel); default 0.5.
    public let threshold: Double
    /// The top-k rule's k (multiclass); default 1.
    public let topK: Int
    /// The reduction over classes (compute only); default `macro`.
    public let average: ClassAverage
    /// Global statistics or one set per sample.
    public let multidimAverage: MultidimAverage
    /// The target value whose positions are left out, if any.
    public let ignoreIndex: Int?
    /// The value of a 0/0 score for the metrics that use it: 0 or 1.
    public let zeroDivision: Double
    /// How float preds are read (binary, multilabel).
    public let inputFormat: InputFormat

    /// Reads and cross-checks the options of a `task` metric (options it
    /// does not declare take TorchMetrics' defaults).
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   `top_k` exceeds `num_classes`.
    public init(task: ClassificationTask, options: MetricOptions, metric: String, statistics: ClassificationStatistics = .statScores) throws {
        self.task = task
        self.statistics = statistics
        switch task {
        case .binary: numClasses = 1
        case .multiclass: numClasses = options.int("num_classes") ?? 0
        case .multilabel: numClasses = options.int("num_labels") ?? 0
        }
        threshold = options.double("threshold") ?? 0.5
        topK = options.int("top_k") ?? 1
        if options.isNone("average") {
            average = .none
        } else {
            let avg = options.string("average") ?? "macro"
            average = ClassAverage(rawValue: avg == "None" ? "none" : avg) ?? .macro
        }
        multidimAverage = MultidimAverage(rawValue: options.string("multidim_average") ?? "global") ?? .global
        ignoreIndex = options.int("ignore_index")
        zeroDivision = options.double("zero_division") ?? 0
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        if task == .multiclass && topK > numClasses {
            throw MetricError.invalidOption(metric: metric, option: "top_k", expected: "at most num_classes (\(numClasses)), got \(topK)")
        }
    }

    /// This configuration with other statistics.
    func with(statistics: ClassificationStatistics) -> StatScoresConfig {
        var copy = self
        copy.statistics = statistics
        return copy
    }

    /// Whether the statistics have a class axis.
    public var hasClassAxis: Bool { task != .binary }

    /// The state name that counts batches read as logits and as
    /// probabilities (int64 `[2]`, summed), used to report mixed runs.
    public static let mixedFormatState = "format_counts"

    /// The shape of the `confmat` state.
    public var confusionMatrixShape: [Int] {
        switch task {
        case .binary: return [2, 2]
        case .multiclass: return [numClasses, numClasses]
        case .multilabel: return [numClasses, 2, 2]
        }
    }

    /// The state declarations for this configuration.
    public var stateSpecs: [StateSpec] {
        var specs: [StateSpec]
        switch statistics {
        case .statScores:
            let names = ["tp", "fp", "tn", "fn"]
            if multidimAverage == .global {
                let shape = hasClassAxis ? [numClasses] : []
                specs = names.map { StateSpec($0, .zeros(shape, dtype: .int64), .sum) }
            } else {
                specs = names.map { StateSpec(list: $0) }
            }
        case .confusionMatrix:
            specs = [StateSpec("confmat", .zeros(confusionMatrixShape, dtype: .int64), .sum)]
        case .exactMatch:
            if multidimAverage == .global {
                specs = ["correct", "total"].map { StateSpec($0, .zeros([], dtype: .int64), .sum) }
            } else {
                specs = [StateSpec(list: "correct"), StateSpec(list: "total")]
            }
        }
        if task != .multiclass { specs.append(StateSpec(Self.mixedFormatState, .zeros([2], dtype: .int64), .sum)) }
        return specs
    }
}

/// Per-class confusion statistics of one batch (or of everything so far).
///
/// Laid out `[rows][cols]`: one row for global statistics or one per sample,
/// one column per class (a single column for the binary task).
public struct StatTotals: Sendable {
    /// True positives, false positives, true negatives, false negatives, row-major.
    public var tp: [Double], fp: [Double], tn: [Double], fn: [Double]
    /// 1 (global) or the number of samples (samplewise).
    public let rows: Int
    /// The number of classes or labels (1 for binary).
    public let cols: Int

    /// All-zero statistics of the given layout.
    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        tp = Array(repeating: 0, count: rows * cols)
        fp = tp; tn = tp; fn = tp
    }
}

/// The statistics of one batch, before they are folded into the states.
enum BatchStatistics {
    /// Per (row, column) cell, four counts: true positives, predicted
    /// positives, actual positives, positions counted.
    case counts(rows: Int, cols: Int, values: [Int64])
    /// A multiclass `C x C` confusion matrix, row-major.
    case confusion([Int64])
    /// Per row: positions (or samples) right everywhere, and positions counted.
    case exactMatch(correct: [Int64], total: [Int64])
}

/// The shared update machinery of the classification metrics built on
/// counts (the stat-score family, confusion-matrix metrics, exact match).
public enum StatScores {
    /// Validates one batch and folds its statistics into `state`, in one
    /// fused pass over the inputs.
    ///
    /// Inputs (TorchMetrics' shapes):
    /// - binary: `preds` and `target` of equal shape `(N, ...)`; float preds are
    ///   probabilities or logits (see ``InputFormat``) thresholded with
    ///   `preds > threshold`; integer preds must be 0/1.
    /// - multiclass: `preds (N, C, ...)` float scores (argmax, or top-k) or
    ///   `(N, ...)` integer labels, `target (N, ...)` labels in `[0, C)`.
    /// - multilabel: `preds` and `target` of shape `(N, L, ...)`.
    /// Target values equal to `ignore_index` are left out. Any other target
    /// outside the valid range, or an invalid integer prediction (even at an
    /// ignored position), is an error, and the state is unchanged. An empty
    /// batch is valid and counts nothing.
    public static func update(_ state: inout MetricState, _ inputs: MetricInputs, _ cfg: StatScoresConfig, metric: String) throws {
        let preds = try inputs.tensor("preds", metric: metric)
        let target = try inputs.tensor("target", metric: metric)
        switch cfg.task {
        case .multiclass:
            fold(&state, try multiclassStatistics(preds: preds, target: target, cfg, metric: metric), cfg)
        case .binary, .multilabel:
            let (batch, kind) = try thresholdedStatistics(preds: preds, target: target, cfg, metric: metric)
            fold(&state, batch, cfg)
            if let kind {
                state[StatScoresConfig.mixedFormatState] = state[StatScoresConfig.mixedFormatState]
                    + Tensor([kind == .logits ? Int64(1) : 0, kind == .probs ? Int64(1) : 0], shape: [2])
            }
        }
    }

    /// Adds one batch's statistics into the states.
    static func fold(_ state: inout MetricState, _ batch: BatchStatistics, _ cfg: StatScoresConfig) {
        let global = cfg.multidimAverage == .global
        switch batch {
        case let .counts(rows, cols, v):
            let cells = rows * cols
            if cfg.statistics == .confusionMatrix {
                // Per label [[tn, fp], [fn, tp]] (binary: the single label).
                var m = [Int64](repeating: 0, count: cells * 4)
                for k in 0..<cells {
                    let tp = v[4 * k], predicted = v[4 * k + 1], actual = v[4 * k + 2], counted = v[4 * k + 3]
                    m[4 * k] = counted - predicted - actual + tp
                    m[4 * k + 1] = predicted - tp
                    m[4 * k + 2] = actual - tp
                    m[4 * k + 3] = tp
                }
                state["confmat"] = state["confmat"] + Tensor(m, shape: cfg.confusionMatrixShape)
                return
            }
            var tp = [Int64](repeating: 0, count: cells), fp = tp, tn = tp, fn = tp
            for k in 0..<cells {
                tp[k] = v[4 * k]
                fp[k] = v[4 * k + 1] - v[4 * k]
                fn[k] = v[4 * k + 2] - v[4 * k]
                tn[k] = v[4 * k + 3] - v[4 * k + 1] - v[4 * k + 2] + v[4 * k]
            }
            var shape: [Int] = global ? [] : [rows]
            if cfg.hasClassAxis { shape.append(cols) }
            for (name, values) in [("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn)] {
                if global {
                    state[name] = state[name] + Tensor(values, shape: shape)
                } else {
                    state.append(name, Tensor(values.map { Int32(truncatingIfNeeded: $0) }, shape: shape))
                }
            }
        case .confusion(let m):
            state["confmat"] = state["confmat"] + Tensor(m, shape: cfg.confusionMatrixShape)
        case let .exactMatch(correct, total):
            if global {
                state["correct"] = state["correct"] + Tensor(correct, shape: [])
                state["total"] = state["total"] + Tensor(total, shape: [])
            } else {
                state.append("correct", Tensor(correct.map { Int32(truncatingIfNeeded: $0) }, shape: [correct.count]))
                state.append("total", Tensor(total.map { Int32(truncatingIfNeeded: $0) }, shape: [total.count]))
            }
        }
    }

    /// The accumulated stat scores in `state`.
    public static func totals(_ state: MetricState, _ cfg: StatScoresConfig) -> StatTotals {
        func values(_ name: String) -> (Tensor?, [Double]) {
            let t = cfg.multidimAverage == .global ? state[name] : state.concatenated(name)
            return (t, t?.toDoubles() ?? [])
        }
        let (tpT, tp) = values("tp")
        let cols = cfg.hasClassAxis ? cfg.numClasses : 1
        let rows = cfg.multidimAverage == .global ? 1 : (tpT.map { $0.shape.first ?? 0 } ?? 0)
        var out = StatTotals(rows: rows, cols: cols)
        out.tp = tp
        out.fp = values("fp").1
        out.tn = values("tn").1
        out.fn = values("fn").1
        return out
    }

    // MARK: Labels

    /// `t` as int64 labels (float tensors must hold whole numbers).
    static func labels(_ t: Tensor, metric: String, _ name: String) throws -> Tensor {
        if t.dtype.isFloatingPoint {
            guard t.isIntegral() else {
                throw MetricError.invalidInput(metric: metric, argument: name, expected: "integer labels, got non-integral values (or NaN)")
            }
        }
        return t.cast(.int64)
    }

    // MARK: Binary and multilabel

    static func thresholdedStatistics(preds: Tensor, target: Tensor, _ cfg: StatScoresConfig, metric: String) throws -> (BatchStatistics, InputFormat?) {
        try Check.sameShape(preds, target, metric: metric)
        let samplewise = cfg.multidimAverage == .samplewise
        if cfg.task == .multilabel {
            guard preds.rank >= 2, preds.shape[1] == cfg.numClasses else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, \(cfg.numClasses), ...) with num_labels=\(cfg.numClasses) on axis 1, got \(preds.shape)")
            }
            if samplewise && preds.rank < 3 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 3 dimensions (N, L, ...) for multidim_average='samplewise', got \(preds.shape)")
            }
        } else if samplewise && preds.rank < 2 {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 2 dimensions (N, ...) for multidim_average='samplewise', got \(preds.shape)")
        }
        let tgt = try labels(target, metric: metric, "target")
        let n = preds.rank == 0 ? 1 : preds.shape[0]
        let labelCount = cfg.task == .multilabel ? cfg.numClasses : 1
        let inner = cfg.task == .multilabel ? preds.shape[2...].reduce(1, *) : preds.shape.dropFirst().reduce(1, *)
        let ignore = cfg.ignoreIndex.map(Int64.init)

        func run<R: BinaryPredictionReader>(_ reader: R, _ t: UnsafePointer<Int64>) -> (BatchStatistics, InvalidValues) {
            if cfg.statistics == .exactMatch {
                let r = ClassificationKernels.scanMultilabelExactMatch(reader, target: t, samples: n, labels: labelCount, inner: inner, ignore: ignore, perSample: samplewise)
                return (.exactMatch(correct: r.correct, total: r.total), r.invalid)
            }
            let r = ClassificationKernels.scanThresholded(reader, target: t, samples: n, labels: labelCount, inner: inner, ignore: ignore, perSample: samplewise)
            return (.counts(rows: samplewise ? n : 1, cols: labelCount, values: r.counts), r.invalid)
        }

        var kind: InputFormat? = nil
        let result: (BatchStatistics, InvalidValues)
        if preds.dtype.isFloatingPoint {
            guard cfg.inputFormat != .labels else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "integer 0/1 labels (input_format='labels'), got \(preds.dtype)")
            }
            let logits = try readsLogits(preds, tgt, cfg, metric: metric)
            kind = logits ? .logits : .probs
            result = tgt.withUnsafeBuffer(as: Int64.self) { tp in
                let t = tp.baseAddress!
                if preds.dtype == .float32 {
                    return preds.withUnsafeBuffer(as: Float.self) { pp in
                        let thr = Float(cfg.threshold)
                        return logits ? run(LogitReader(preds: pp.baseAddress!, threshold: thr), t) : run(ProbabilityReader(preds: pp.baseAddress!, threshold: thr), t)
                    }
                }
                return preds.withUnsafeBuffer(as: Double.self) { pp in
                    logits ? run(LogitReader(preds: pp.baseAddress!, threshold: cfg.threshold), t) : run(ProbabilityReader(preds: pp.baseAddress!, threshold: cfg.threshold), t)
                }
            }
        } else {
            let p = preds.cast(.int64)
            result = tgt.withUnsafeBuffer(as: Int64.self) { tp in
                p.withUnsafeBuffer(as: Int64.self) { pp in run(BinaryLabelReader(labels: pp.baseAddress!), tp.baseAddress!) }
            }
        }
        if let bad = result.1.target {
            let allowed = cfg.ignoreIndex.map { "0, 1 or ignore_index=\($0)" } ?? "0 or 1"
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "values \(allowed), found \(bad)")
        }
        if let bad = result.1.prediction {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "0/1 labels when preds is an integer tensor, found \(bad)")
        }
        return (result.0, kind)
    }

    /// Whether float `preds` are read as logits. Under `auto` that is
    /// TorchMetrics' per-batch rule: any value outside [0, 1], or any NaN.
    /// The binary confusion-matrix metrics apply it, like TorchMetrics, only
    /// to the positions whose target is not ignored (they drop those first).
    static func readsLogits(_ preds: Tensor, _ target: Tensor, _ cfg: StatScoresConfig, metric: String) throws -> Bool {
        if cfg.inputFormat == .logits { return true }
        let range: (min: Double, max: Double, hasNaN: Bool)
        if cfg.task == .binary && cfg.statistics == .confusionMatrix, let ignore = cfg.ignoreIndex {
            range = target.withUnsafeBuffer(as: Int64.self) { t in
                preds.dtype == .float32
                    ? preds.withUnsafeBuffer(as: Float.self) { ClassificationKernels.valueRange($0.baseAddress!, target: t.baseAddress!, count: t.count, ignore: Int64(ignore)) }
                    : preds.withUnsafeBuffer(as: Double.self) { ClassificationKernels.valueRange($0.baseAddress!, target: t.baseAddress!, count: t.count, ignore: Int64(ignore)) }
            }
        } else {
            range = preds.valueRange()
        }
        let outside = range.hasNaN || range.min < 0 || range.max > 1
        if cfg.inputFormat == .probs && outside {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "probabilities in [0, 1] without NaN (input_format='probs'), found values in [\(range.min), \(range.max)]\(range.hasNaN ? " and NaN" : "")")
        }
        return outside
    }

    // MARK: Multiclass

    static func multiclassStatistics(preds: Tensor, target: Tensor, _ cfg: StatScoresConfig, metric: String) throws -> BatchStatistics {
        let c = cfg.numClasses
        let tgt = try labels(target, metric: metric, "target")
        let n = tgt.rank == 0 ? 1 : tgt.shape[0]
        let inner = tgt.shape.dropFirst().reduce(1, *)
        let samplewise = cfg.multidimAverage == .samplewise
        let scores: Bool
        if preds.rank == target.rank + 1 {
            guard preds.dtype.isFloatingPoint else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "a float tensor of scores when it has one more dimension than target, got \(preds.dtype)")
            }
            guard preds.rank >= 2, preds.shape[1] == c else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, C, ...) with C = num_classes = \(c) on axis 1, got \(preds.shape)")
            }
            guard preds.shape[0] == n, Array(preds.shape[2...]) == Array(target.shape.dropFirst()) else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, C, ...) matching target (N, ...) = \(target.shape), got \(preds.shape)")
            }
            if samplewise && preds.rank < 3 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 3 dimensions (N, C, ...) for multidim_average='samplewise', got \(preds.shape)")
            }
            scores = true
        } else if preds.rank == target.rank {
            try Check.sameShape(preds, target, metric: metric)
            if cfg.topK > 1 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "float scores of shape (N, C, ...) when top_k > 1, got labels of shape \(preds.shape)")
            }
            if samplewise && preds.rank < 2 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 2 dimensions (N, ...) for multidim_average='samplewise', got \(preds.shape)")
            }
            scores = false
        } else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, ...) like target or (N, C, ...) with target (N, ...); got preds \(preds.shape) and target \(target.shape)")
        }

        func run<R: MulticlassPredictionReader>(_ reader: R, _ t: UnsafePointer<Int64>) -> (BatchStatistics, InvalidValues) {
            countMulticlass(reader, target: t, samples: n, inner: inner, elementsPerSample: (scores ? c : 1) * inner, cfg)
        }
        func runScores<T: FloatElement>(_: T.Type, _ t: UnsafePointer<Int64>) -> (BatchStatistics, InvalidValues) {
            preds.withUnsafeBuffer(as: T.self) { sp in
                let base = sp.baseAddress!
                if cfg.topK > 1 { return run(TopKReader(scores: base, classes: c, inner: inner, k: cfg.topK), t) }
                if inner == 1 { return run(ArgmaxRowReader(scores: base, classes: c), t) }
                return run(ArgmaxReader(scores: base, classes: c, inner: inner), t)
            }
        }
        let result: (BatchStatistics, InvalidValues)
        if scores {
            result = tgt.withUnsafeBuffer(as: Int64.self) { tp in
                preds.dtype == .float32 ? runScores(Float.self, tp.baseAddress!) : runScores(Double.self, tp.baseAddress!)
            }
        } else {
            let p = try labels(preds, metric: metric, "preds")
            result = tgt.withUnsafeBuffer(as: Int64.self) { tp in
                p.withUnsafeBuffer(as: Int64.self) { pp in run(LabelReader(labels: pp.baseAddress!), tp.baseAddress!) }
            }
        }
        if let bad = result.1.target {
            let ign = cfg.ignoreIndex.map { " or ignore_index=\($0)" } ?? ""
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "class labels in [0, \(c))\(ign), found \(bad)")
        }
        if let bad = result.1.prediction {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "class labels in [0, \(c)), found \(bad)")
        }
        return result.0
    }

    /// Runs the multiclass pass with the tally the statistics need and
    /// combines the chunks.
    static func countMulticlass<R: MulticlassPredictionReader>(
        _ reader: R, target: UnsafePointer<Int64>, samples n: Int, inner: Int, elementsPerSample: Int, _ cfg: StatScoresConfig
    ) -> (BatchStatistics, InvalidValues) {
        let c = cfg.numClasses
        let ignore = cfg.ignoreIndex.map(Int64.init)
        let perSample = cfg.multidimAverage == .samplewise
        switch cfg.statistics {
        case .statScores where !perSample && c * c <= 4096:
            // One increment per position instead of four: count the confusion
            // matrix and read the per-class totals off its rows and columns.
            let (matrix, invalid) = countMulticlass(reader, target: target, samples: n, inner: inner, elementsPerSample: elementsPerSample,
                                                    cfg.with(statistics: .confusionMatrix))
            guard case .confusion(let m) = matrix else { return (matrix, invalid) }
            let total = m.reduce(0, &+)
            var cells = [Int64](repeating: 0, count: c * 4)
            for t in 0..<c {
                for p in 0..<c {
                    cells[4 * p + 1] &+= m[t * c + p]
                    cells[4 * t + 2] &+= m[t * c + p]
                }
                cells[4 * t] = m[t * c + t]
                cells[4 * t + 3] = total
            }
            return (.counts(rows: 1, cols: c, values: cells), invalid)
        case .statScores:
            let width = ClassCountTally.rowWidth(c)
            let shared = perSample ? CountBuffer(count: n * width) : nil
            let (tallies, invalid) = ClassificationKernels.scanMulticlass(
                reader, target: target, samples: n, inner: inner, classes: c, ignore: ignore, elementsPerSample: elementsPerSample,
                bySample: perSample
            ) { ClassCountTally(buffer: shared ?? CountBuffer(count: width), classes: c, perSample: perSample) }
            let buffer: CountBuffer
            if let shared { buffer = shared } else {
                buffer = CountBuffer(count: width)
                for t in tallies { buffer.add(t.buffer) }
            }
            let rows = perSample ? n : 1
            var cells = [Int64](repeating: 0, count: rows * c * 4)
            for r in 0..<rows {
                let row = buffer.base + r * width
                for k in 0..<c {
                    let o = (r * c + k) * 4
                    cells[o] = row[k]
                    cells[o + 1] = row[c + k]
                    cells[o + 2] = row[2 * c + k]
                    cells[o + 3] = row[3 * c]
                }
            }
            return (.counts(rows: rows, cols: c, values: cells), invalid)
        case .confusionMatrix:
            let (tallies, invalid) = ClassificationKernels.scanMulticlass(
                reader, target: target, samples: n, inner: inner, classes: c, ignore: ignore, elementsPerSample: elementsPerSample,
                bySample: false, tallyCells: c * c
            ) { ConfusionTally(buffer: CountBuffer(count: c * c), classes: c) }
            let total = CountBuffer(count: c * c)
            for t in tallies { total.add(t.buffer) }
            return (.confusion(total.values), invalid)
        case .exactMatch:
            let shared = perSample ? CountBuffer(count: n) : nil
            let (tallies, invalid) = ClassificationKernels.scanMulticlass(
                reader, target: target, samples: n, inner: inner, classes: c, ignore: ignore, elementsPerSample: elementsPerSample,
                bySample: true
            ) { ExactMatchTally(buffer: shared) }
            if let shared { return (.exactMatch(correct: shared.values, total: [Int64](repeating: 1, count: n)), invalid) }
            return (.exactMatch(correct: [tallies.reduce(0) { $0 &+ $1.correct }], total: [Int64(n)]), invalid)
        }
    }
}
