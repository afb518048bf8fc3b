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
/// a batch with any value outside [0, 1] is logits (sigmoid is applied),
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

/// The resolved options of a stat-score based classification metric, and
/// the state layout they imply.
///
/// States (TorchMetrics' layout): `tp`, `fp`, `tn`, `fn`, int64, summed.
/// Global: shape `[]` (binary) or `[C]`; samplewise: `cat` lists of `[N]` or
/// `[N, C]` batches.
public struct StatScoresConfig: Sendable {
    public let task: ClassificationTask
    /// 1 for binary, the number of classes or labels otherwise.
    public let numClasses: Int
    public let threshold: Double
    public let topK: Int
    public let average: ClassAverage
    public let multidimAverage: MultidimAverage
    public let ignoreIndex: Int?
    public let zeroDivision: Double
    public let inputFormat: InputFormat

    /// Reads and cross-checks the options of a `task` metric.
    public init(task: ClassificationTask, options: MetricOptions, metric: String) throws {
        self.task = task
        switch task {
        case .binary: numClasses = 1
        case .multiclass: numClasses = options.int("num_classes") ?? 0
        case .multilabel: numClasses = options.int("num_labels") ?? 0
        }
        threshold = options.double("threshold") ?? 0.5
        topK = options.int("top_k") ?? 1
        let avg = options.string("average") ?? (task == .binary ? "binary" : "macro")
        average = ClassAverage(rawValue: avg == "None" ? "none" : avg) ?? .micro
        multidimAverage = MultidimAverage(rawValue: options.string("multidim_average") ?? "global") ?? .global
        ignoreIndex = options.int("ignore_index")
        zeroDivision = options.double("zero_division") ?? 0
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        if task == .multiclass && topK > numClasses {
            throw MetricError.invalidOption(metric: metric, option: "top_k", expected: "at most num_classes (\(numClasses)), got \(topK)")
        }
    }

    /// Whether the statistics have a class axis.
    public var hasClassAxis: Bool { task != .binary }

    /// The state name that counts batches read as logits and as
    /// probabilities (int64 `[2]`, summed), used to report mixed runs.
    public static let mixedFormatState = "format_counts"

    /// The state declarations for this configuration.
    public var stateSpecs: [StateSpec] {
        let names = ["tp", "fp", "tn", "fn"]
        var specs: [StateSpec]
        if multidimAverage == .global {
            let shape = hasClassAxis ? [numClasses] : []
            specs = names.map { StateSpec($0, .zeros(shape, dtype: .int64), .sum) }
        } else {
            specs = names.map { StateSpec(list: $0) }
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
    public var tp: [Double], fp: [Double], tn: [Double], fn: [Double]
    public let rows: Int
    public let cols: Int

    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        tp = Array(repeating: 0, count: rows * cols)
        fp = tp; tn = tp; fn = tp
    }
}

/// The shared update and reduction machinery of the stat-score family
/// (accuracy, precision, recall, F-scores, specificity, ...).
public enum StatScores {
    /// Validates one batch and folds its statistics into `state`.
    ///
    /// Inputs (TorchMetrics' shapes):
    /// - binary: `preds` and `target` of equal shape `(N, ...)`; float preds are
    ///   probabilities or logits (see ``InputFormat``) thresholded with
    ///   `preds > threshold`; integer preds must be 0/1.
    /// - multiclass: `preds (N, C, ...)` float scores (argmax, or top-k) or
    ///   `(N, ...)` integer labels, `target (N, ...)` labels in `[0, C)`.
    /// - multilabel: `preds` and `target` of shape `(N, L, ...)`.
    /// Target values equal to `ignore_index` are left out. Any other target
    /// outside the valid range is an error, and the state is unchanged.
    public static func update(_ state: inout MetricState, _ inputs: MetricInputs, _ cfg: StatScoresConfig, metric: String) throws {
        let preds = try inputs.tensor("preds", metric: metric)
        let target = try inputs.tensor("target", metric: metric)
        let batch = try statistics(preds: preds, target: target, cfg, metric: metric)
        try fold(&state, batch.totals, cfg)
        if let kind = batch.formatKind {
            var counts = state[StatScoresConfig.mixedFormatState]
            counts = counts + Tensor([kind == .logits ? Int64(1) : 0, kind == .probs ? Int64(1) : 0], shape: [2])
            state[StatScoresConfig.mixedFormatState] = counts
        }
    }

    /// Adds `t` into the tp/fp/tn/fn states.
    static func fold(_ state: inout MetricState, _ t: StatTotals, _ cfg: StatScoresConfig) throws {
        let shape: [Int]
        if cfg.multidimAverage == .global { shape = cfg.hasClassAxis ? [t.cols] : [] } else { shape = cfg.hasClassAxis ? [t.rows, t.cols] : [t.rows] }
        for (name, values) in [("tp", t.tp), ("fp", t.fp), ("tn", t.tn), ("fn", t.fn)] {
            let tensor = Tensor(values.map { Int64($0) }, shape: shape)
            if cfg.multidimAverage == .global {
                state[name] = state[name] + tensor
            } else {
                state.append(name, tensor)
            }
        }
    }

    /// The accumulated statistics in `state`.
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

    /// The statistics of one batch and how its float preds were read.
    public static func statistics(preds: Tensor, target: Tensor, _ cfg: StatScoresConfig, metric: String) throws -> (totals: StatTotals, formatKind: InputFormat?) {
        switch cfg.task {
        case .binary, .multilabel: return try thresholdedStatistics(preds: preds, target: target, cfg, metric: metric)
        case .multiclass: return (try multiclassStatistics(preds: preds, target: target, cfg, metric: metric), nil)
        }
    }

    // MARK: Target labels

    /// The target as int64 labels (float targets must hold whole numbers).
    static func labels(_ t: Tensor, metric: String, _ name: String) throws -> Tensor {
        if t.dtype.isFloatingPoint {
            guard t.isIntegral() else {
                throw MetricError.invalidInput(metric: metric, argument: name, expected: "integer class labels, got non-integral values")
            }
        }
        return t.cast(.int64)
    }

    // MARK: Binary and multilabel

    static func thresholdedStatistics(preds: Tensor, target: Tensor, _ cfg: StatScoresConfig, metric: String) throws -> (totals: StatTotals, formatKind: InputFormat?) {
        try Check.sameShape(preds, target, metric: metric)
        if cfg.task == .multilabel {
            guard preds.rank >= 2, preds.shape[1] == cfg.numClasses else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, \(cfg.numClasses), ...) with num_labels=\(cfg.numClasses) on axis 1, got \(preds.shape)")
            }
            if cfg.multidimAverage == .samplewise && preds.rank < 3 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 3 dimensions (N, L, ...) for multidim_average='samplewise', got \(preds.shape)")
            }
        } else if cfg.multidimAverage == .samplewise && preds.rank < 2 {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 2 dimensions (N, ...) for multidim_average='samplewise', got \(preds.shape)")
        }
        let tgt = try labels(target, metric: metric, "target")
        // Decide how preds are read: a 0/1 indicator per element.
        var positive: Tensor
        var kind: InputFormat? = nil
        if preds.dtype.isFloatingPoint {
            guard cfg.inputFormat != .labels else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "integer 0/1 labels (input_format='labels'), got \(preds.dtype)")
            }
            let range = preds.valueRange()
            let outside = range.min < 0 || range.max > 1
            if cfg.inputFormat == .probs && outside {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "probabilities in [0, 1] (input_format='probs')")
            }
            let isLogits = cfg.inputFormat == .logits || (cfg.inputFormat == .auto && outside)
            kind = isLogits ? .logits : .probs
            positive = threshold(preds, cfg.threshold, sigmoid: isLogits)
        } else {
            let p = preds.cast(.int64)
            let bad = p.withUnsafeBuffer(as: Int64.self) { $0.first { $0 != 0 && $0 != 1 } }
            if let bad {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "0/1 labels when preds is an integer tensor, found \(bad)")
            }
            positive = p.cast(.uint8)
        }
        positive = positive.cast(.uint8)
        let n = preds.rank == 0 ? 1 : preds.shape[0]
        let cols = cfg.task == .multilabel ? cfg.numClasses : 1
        let inner = cfg.task == .multilabel ? preds.shape[2...].reduce(1, *) : (n == 0 ? 0 : preds.count / n)
        let rows = cfg.multidimAverage == .global ? 1 : n
        var out = StatTotals(rows: rows, cols: cols)
        let ignore = cfg.ignoreIndex.map(Int64.init)
        var badTarget: Int64? = nil
        positive.withUnsafeBuffer(as: UInt8.self) { pp in
            tgt.withUnsafeBuffer(as: Int64.self) { tt in
                if cfg.task == .binary && cfg.multidimAverage == .global {
                    // Hot path: one fused pass, split across cores.
                    let parts = Parallelism.mapChunks(tt.count, initial: (Int64(0), Int64(0), Int64(0), Int64(0), Int64?.none)) { r in
                        var tp: Int64 = 0, pp1: Int64 = 0, tp1: Int64 = 0, cnt: Int64 = 0
                        var bad: Int64? = nil
                        for i in r {
                            let t = tt[i]
                            if let ignore, t == ignore { continue }
                            if t != 0 && t != 1 { bad = bad ?? t; continue }
                            let p = Int64(pp[i])
                            tp &+= p & t
                            pp1 &+= p
                            tp1 &+= t
                            cnt &+= 1
                        }
                        return (tp, pp1, tp1, cnt, bad)
                    }
                    var tp: Int64 = 0, predPos: Int64 = 0, targetPos: Int64 = 0, count: Int64 = 0
                    for part in parts {
                        tp += part.0; predPos += part.1; targetPos += part.2; count += part.3
                        badTarget = badTarget ?? part.4
                    }
                    out.tp[0] = Double(tp)
                    out.fp[0] = Double(predPos - tp)
                    out.fn[0] = Double(targetPos - tp)
                    out.tn[0] = Double(count - predPos - targetPos + tp)
                    return
                }
                for s in 0..<n {
                    let row = cfg.multidimAverage == .global ? 0 : s
                    for c in 0..<cols {
                        var tp = 0.0, predPos = 0.0, targetPos = 0.0, count = 0.0
                        let base = (s * cols + c) * inner
                        for j in 0..<inner {
                            let t = tt[base + j]
                            if let ignore, t == ignore { continue }
                            if t != 0 && t != 1 { badTarget = badTarget ?? t; continue }
                            let p = Double(pp[base + j])
                            tp += p * Double(t)
                            predPos += p
                            targetPos += Double(t)
                            count += 1
                        }
                        let k = row * cols + c
                        out.tp[k] += tp
                        out.fp[k] += predPos - tp
                        out.fn[k] += targetPos - tp
                        out.tn[k] += count - predPos - targetPos + tp
                    }
                }
            }
        }
        if let badTarget {
            let allowed = cfg.ignoreIndex.map { "0, 1 or ignore_index=\($0)" } ?? "0 or 1"
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "values \(allowed), found \(badTarget)")
        }
        return (out, kind)
    }

    /// `preds > threshold` (after sigmoid for logits), compared in the preds' own precision.
    static func threshold(_ preds: Tensor, _ thr: Double, sigmoid: Bool) -> Tensor {
        let p = sigmoid ? preds.unary(.sigmoid) : preds
        return p.gt(thr)
    }

    // MARK: Multiclass

    static func multiclassStatistics(preds: Tensor, target: Tensor, _ cfg: StatScoresConfig, metric: String) throws -> StatTotals {
        let c = cfg.numClasses
        let tgt = try labels(target, metric: metric, "target")
        let n = tgt.rank == 0 ? 1 : tgt.shape[0]
        let inner = n == 0 ? 0 : tgt.count / n
        var predicted: Tensor
        if preds.rank == target.rank + 1 {
            guard preds.dtype.isFloatingPoint else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "a float tensor of scores when it has one more dimension than target, got \(preds.dtype)")
            }
            guard preds.shape[1] == c else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, C, ...) with C = num_classes = \(c) on axis 1, got \(preds.shape)")
            }
            guard preds.shape[0] == n, Array(preds.shape[2...]) == Array(target.shape.dropFirst()) else {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, C, ...) matching target (N, ...) = \(target.shape), got \(preds.shape)")
            }
            if cfg.multidimAverage == .samplewise && preds.rank < 3 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 3 dimensions (N, C, ...) for multidim_average='samplewise', got \(preds.shape)")
            }
            predicted = try effectiveLabels(scores: preds, target: tgt, topK: cfg.topK, n: n, c: c, inner: inner)
        } else if preds.rank == target.rank {
            try Check.sameShape(preds, target, metric: metric)
            if cfg.topK > 1 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "float scores of shape (N, C, ...) when top_k > 1, got labels of shape \(preds.shape)")
            }
            if cfg.multidimAverage == .samplewise && preds.rank < 2 {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "at least 2 dimensions (N, ...) for multidim_average='samplewise', got \(preds.shape)")
            }
            predicted = try labels(preds, metric: metric, "preds")
        } else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, ...) like target or (N, C, ...) with target (N, ...); got preds \(preds.shape) and target \(target.shape)")
        }
        let rows = cfg.multidimAverage == .global ? 1 : n
        var out = StatTotals(rows: rows, cols: c)
        let ignore = cfg.ignoreIndex.map(Int64.init)
        var badTarget: Int64? = nil, badPred: Int64? = nil
        predicted.withUnsafeBuffer(as: Int64.self) { pp in
            tgt.withUnsafeBuffer(as: Int64.self) { tt in
                var tp = [Int64](repeating: 0, count: c), predCount = tp, targetCount = tp
                var total: Int64 = 0
                func flush(_ row: Int) {
                    for k in 0..<c {
                        let i = row * c + k
                        out.tp[i] += Double(tp[k])
                        out.fp[i] += Double(predCount[k] - tp[k])
                        out.fn[i] += Double(targetCount[k] - tp[k])
                        out.tn[i] += Double(total - predCount[k] - targetCount[k] + tp[k])
                        tp[k] = 0; predCount[k] = 0; targetCount[k] = 0
                    }
                    total = 0
                }
                for s in 0..<n {
                    for j in 0..<inner {
                        let t = tt[s * inner + j]
                        if let ignore, t == ignore { continue }
                        guard t >= 0 && t < Int64(c) else { badTarget = badTarget ?? t; continue }
                        let p = pp[s * inner + j]
                        guard p >= 0 && p < Int64(c) else { badPred = badPred ?? p; continue }
                        targetCount[Int(t)] += 1
                        predCount[Int(p)] += 1
                        if p == t { tp[Int(t)] += 1 }
                        total += 1
                    }
                    if cfg.multidimAverage == .samplewise { flush(s) }
                }
                if cfg.multidimAverage == .global { flush(0) }
            }
        }
        if let badTarget {
            let ign = cfg.ignoreIndex.map { " or ignore_index=\($0)" } ?? ""
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "class labels in [0, \(c))\(ign), found \(badTarget)")
        }
        if let badPred {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "class labels in [0, \(c)), found \(badPred)")
        }
        return out
    }

    /// The label each position counts as: the argmax of the scores, or with
    /// `top_k > 1` the target when it is among the k highest scores and the
    /// argmax otherwise (TorchMetrics' top-k rule). NaN counts as the highest score.
    static func effectiveLabels(scores: Tensor, target: Tensor, topK: Int, n: Int, c: Int, inner: Int) throws -> Tensor {
        let s = scores.cast(.float64)
        var out = Tensor.zeros([n * inner], dtype: .int64)
        s.withUnsafeBuffer(as: Double.self) { sp in
            target.withUnsafeBuffer(as: Int64.self) { tp in
                out.withUnsafeMutableBuffer(as: Int64.self) { op in
                    for i in 0..<n {
                        for j in 0..<inner {
                            let base = i * c * inner + j
                            var best = 0
                            var bestV = sp[base]
                            if !bestV.isNaN {
                                for k in 1..<c {
                                    let v = sp[base + k * inner]
                                    if v.isNaN { best = k; break }
                                    if v > bestV { bestV = v; best = k }
                                }
                            }
                            var label = Int64(best)
                            if topK > 1 {
                                let t = Int(tp[i * inner + j])
                                if t >= 0 && t < c {
                                    let tv = sp[base + t * inner]
                                    var higher = 0
                                    for k in 0..<c where k != t {
                                        let v = sp[base + k * inner]
                                        if v > tv || (v == tv && k < t) || v.isNaN { higher += 1 }
                                    }
                                    if higher < topK { label = Int64(t) }
                                }
                            }
                            op[i * inner + j] = label
                        }
                    }
                }
            }
        }
        return out
    }
}
