import VernierCore
import VernierTensor

/// One validated batch of a curve metric, formatted as the states keep it.
struct CurveBatch {
    /// Probabilities (after sigmoid/softmax when read as logits) in the
    /// input's float dtype: `[M]` binary, `[M, K]` otherwise.
    var scores: Tensor
    /// binary: uint8 0/1 `[M]`; multiclass: int32 labels `[M]`; multilabel:
    /// uint8 `[M, K]` of 0, 1 or ``CurveConfig/ignoredTarget``.
    var target: Tensor
    /// Whether the batch was read as logits.
    var logits: Bool
}

/// Validation and formatting of the curve family's inputs (TorchMetrics'
/// `_*_precision_recall_curve_tensor_validation` and `_format`).
enum CurveInput {
    /// Validates `preds`/`target` for `cfg` and formats them.
    ///
    /// - binary: `preds (N, ...)` float, `target (N, ...)` integer 0/1 (or
    ///   `ignore_index`, whose positions are dropped); extra dimensions are flattened.
    /// - multiclass: `preds (N, C, ...)` float, `target (N, ...)` integer labels
    ///   in [0, C) (or `ignore_index`, dropped); rows are samples and extra positions.
    /// - multilabel: `preds (N, L, ...)` and `target (N, L, ...)`, 0/1 targets
    ///   (or `ignore_index`, kept as ``CurveConfig/ignoredTarget``).
    /// Probabilities vs logits is decided on the batch (after dropping ignored
    /// positions, except for multilabel, like TorchMetrics). NaN scores are
    /// rejected, except at dropped positions, which take no part.
    static func format(_ inputs: MetricInputs, _ cfg: CurveConfig, metric: String) throws -> CurveBatch {
        let preds = try inputs.tensor("preds", metric: metric)
        let target = try inputs.tensor("target", metric: metric)
        guard !target.dtype.isFloatingPoint else {
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "an integer tensor of labels, got \(target.dtype)")
        }
        switch cfg.task {
        case .binary:
            return try binaryScores(preds, target, ignoreIndex: cfg.ignoreIndex, format: cfg.inputFormat, normalizes: cfg.normalizes, metric: metric)
        case .multiclass:
            return try multiclassScores(preds, target, numClasses: cfg.numClasses, ignoreIndex: cfg.ignoreIndex, format: cfg.inputFormat, metric: metric)
        case .multilabel:
            return try multilabelScores(preds, target, numLabels: cfg.numClasses, ignoreIndex: cfg.ignoreIndex, format: cfg.inputFormat,
                                        normalizes: cfg.normalizes, metric: metric)
        }
    }

    /// Checks that `preds` holds float scores. (NaN is refused by
    /// ``ScoreReading/isLogits(_:_:metric:)`` on the scores that take part.)
    static func checkScores(_ preds: Tensor, metric: String) throws {
        guard preds.dtype.isFloatingPoint else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "a float tensor of probabilities or logits, got \(preds.dtype)")
        }
    }

    /// Binary inputs: `preds (N, ...)` float, `target (N, ...)` 0/1; flattened,
    /// ignored positions dropped, then read as probabilities or logits
    /// (sigmoid unless `normalizes` is false).
    static func binaryScores(_ preds: Tensor, _ target: Tensor, ignoreIndex: Int?, format: InputFormat, normalizes: Bool = true,
                             allowFloatTarget: Bool = false, metric: String) throws -> CurveBatch {
        try checkScores(preds, metric: metric)
        try Check.sameShape(preds, target, metric: metric)
        let (codes, ignored) = try binaryCodes(target, ignoreIndex: ignoreIndex, metric: metric, allowFloat: allowFloatTarget)
        var scores = preds.flattened()
        var tgt = codes
        if ignored > 0 {
            let keep = kept(codes)
            scores = try scores.indexSelect(axis: 0, indices: keep)
            tgt = try tgt.indexSelect(axis: 0, indices: keep)
        }
        let logits = try ScoreReading.isLogits(scores.valueRange(), format, metric: metric)
        if logits && normalizes { scores = ScoreReading.sigmoid(scores) }
        return CurveBatch(scores: scores, target: tgt, logits: logits)
    }

    /// Multiclass inputs: `preds (N, C, ...)` float, `target (N, ...)` labels in
    /// [0, C); rows are (sample, extra position) pairs, ignored rows dropped,
    /// then read as probabilities or logits (softmax over C).
    static func multiclassScores(_ preds: Tensor, _ target: Tensor, numClasses c: Int, ignoreIndex: Int?, format: InputFormat,
                                 metric: String) throws -> CurveBatch {
        try checkScores(preds, metric: metric)
        guard preds.rank == target.rank + 1 else {
            throw MetricError.invalidInput(metric: metric, argument: "preds",
                                           expected: "one more dimension than target: (N, C, ...) scores for (N, ...) labels, got preds \(preds.shape) and target \(target.shape)")
        }
        guard preds.shape[1] == c else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, C, ...) with C = num_classes = \(c) on axis 1, got \(preds.shape)")
        }
        guard preds.shape[0] == target.shape[0], Array(preds.shape[2...]) == Array(target.shape.dropFirst()) else {
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "shape (N, ...) matching preds (N, C, ...) = \(preds.shape), got \(target.shape)")
        }
        let (labels, ignored) = try classLabels(target, numClasses: c, ignoreIndex: ignoreIndex, metric: metric)
        var scores = try rowsByClass(preds)
        var tgt = labels
        if ignored > 0 {
            let keep = labels.withUnsafeBuffer(as: Int32.self) { l in l.indices.filter { l[$0] >= 0 } }
            scores = try scores.indexSelect(axis: 0, indices: keep)
            tgt = try tgt.indexSelect(axis: 0, indices: keep)
        }
        let logits = try ScoreReading.isLogits(scores.valueRange(), format, metric: metric)
        if logits { scores = try ScoreReading.softmaxRows(scores, metric: metric) }
        return CurveBatch(scores: scores, target: tgt, logits: logits)
    }

    /// Multilabel inputs: `preds` and `target (N, L, ...)`; read as
    /// probabilities or logits on the whole batch (ignored positions
    /// included, as TorchMetrics does), then as `[N·E, L]` rows with ignored
    /// targets kept as ``CurveConfig/ignoredTarget``.
    static func multilabelScores(_ preds: Tensor, _ target: Tensor, numLabels: Int, ignoreIndex: Int?, format: InputFormat, normalizes: Bool = true,
                                 allowFloatTarget: Bool = false, metric: String) throws -> CurveBatch {
        try checkScores(preds, metric: metric)
        try Check.sameShape(preds, target, metric: metric)
        guard preds.rank >= 2, preds.shape[1] == numLabels else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "shape (N, L, ...) with L = num_labels = \(numLabels) on axis 1, got \(preds.shape)")
        }
        let (codes, _) = try binaryCodes(target, ignoreIndex: ignoreIndex, metric: metric, allowFloat: allowFloatTarget)
        let logits = try ScoreReading.isLogits(preds.valueRange(), format, metric: metric)
        var scores = try rowsByClass(preds)
        if logits && normalizes { scores = ScoreReading.sigmoid(scores) }
        let tgt = try rowsByClass(try codes.reshaped(target.shape))
        return CurveBatch(scores: scores, target: tgt, logits: logits)
    }

    /// `(N, K, ...)` as `[N·E, K]` rows (class axis last), E the product of the extra dimensions.
    static func rowsByClass(_ t: Tensor) throws -> Tensor {
        if t.rank == 2 { return t }
        var order = [0] + Array(2..<t.rank)
        order.append(1)
        return try t.permuted(order).reshaped([-1, t.shape[1]])
    }

    /// Positions whose code is not ``CurveConfig/ignoredTarget``.
    static func kept(_ codes: Tensor) -> [Int] {
        codes.withUnsafeBuffer(as: UInt8.self) { c in c.indices.filter { c[$0] != CurveConfig.ignoredTarget } }
    }

    /// Binary targets as uint8 codes, flattened: 0, 1, or
    /// ``CurveConfig/ignoredTarget`` where the target equals `ignore_index`;
    /// and how many were ignored. Float targets are accepted when
    /// `allowFloat` (whole numbers only, like TorchMetrics' confusion-matrix
    /// validation); the curve family requires integers.
    ///
    /// - Throws: for any other value (naming it and what is accepted).
    static func binaryCodes(_ target: Tensor, ignoreIndex: Int?, metric: String, allowFloat: Bool = false) throws -> (Tensor, Int) {
        if target.dtype.isFloatingPoint && allowFloat {
            guard target.isIntegral() else {
                throw MetricError.invalidInput(metric: metric, argument: "target", expected: "0/1 labels, found non-integral values")
            }
            return try binaryCodes(target.cast(.int64), ignoreIndex: ignoreIndex, metric: metric)
        }
        let ignore = ignoreIndex.map(Int64.init)
        func run<T: TensorElement>(_: T.Type) -> (Tensor, Int, Int64?) {
            var out = Tensor.zeros([target.count], dtype: .uint8)
            let parts = target.withUnsafeBuffer(as: T.self) { src in
                out.withUnsafeMutableBuffer(as: UInt8.self) { dst in
                    let s = src.baseAddress!, d = dst.baseAddress!
                    return Parallelism.mapChunks(src.count, initial: (0, Int64?.none)) { r in
                        var ignored = 0
                        var bad: Int64? = nil
                        for i in r {
                            let v = s[i].int64Value
                            if let ignore, v == ignore {
                                d[i] = CurveConfig.ignoredTarget
                                ignored += 1
                            } else if v == 0 || v == 1 {
                                d[i] = UInt8(truncatingIfNeeded: v)
                            } else if bad == nil {
                                bad = v
                            }
                        }
                        return (ignored, bad)
                    }
                }
            }
            return (out, parts.reduce(0) { $0 + $1.0 }, parts.lazy.compactMap(\.1).first)
        }
        let result: (Tensor, Int, Int64?)
        switch target.dtype {
        case .int64: result = run(Int64.self)
        case .int32: result = run(Int32.self)
        case .uint8: result = run(UInt8.self)
        case .bool: result = run(Bool.self)
        case .float32, .float64:
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "an integer tensor of 0/1 labels, got \(target.dtype)")
        }
        if let bad = result.2 {
            let allowed = ignoreIndex.map { "0, 1 or ignore_index=\($0)" } ?? "0 or 1"
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "values \(allowed), found \(bad)")
        }
        return (result.0, result.1)
    }

    /// Multiclass targets as int32 labels `[N·E]`, -1 where the target equals
    /// `ignore_index`; and how many were ignored. (The curve family rejects
    /// float targets before; other callers may pass whole-number floats.)
    ///
    /// - Throws: for any label outside [0, C) that is not ignored.
    static func classLabels(_ target: Tensor, numClasses c: Int, ignoreIndex: Int?, metric: String) throws -> (Tensor, Int) {
        if target.dtype.isFloatingPoint && !target.isIntegral() {
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "integer class labels, found non-integral values")
        }
        let t = target.cast(.int64)
        var out = Tensor.zeros([t.count], dtype: .int32)
        let ignore = ignoreIndex.map(Int64.init)
        var ignored = 0
        var bad: Int64? = nil
        t.withUnsafeBuffer(as: Int64.self) { src in
            out.withUnsafeMutableBuffer(as: Int32.self) { dst in
                for i in src.indices {
                    let v = src[i]
                    if let ignore, v == ignore {
                        dst[i] = -1
                        ignored += 1
                    } else if v >= 0 && v < Int64(c) {
                        dst[i] = Int32(v)
                    } else if bad == nil {
                        bad = v
                    }
                }
            }
        }
        if let bad {
            let ign = ignoreIndex.map { " or ignore_index=\($0)" } ?? ""
            throw MetricError.invalidInput(metric: metric, argument: "target", expected: "class labels in [0, \(c))\(ign), found \(bad)")
        }
        return (out, ignored)
    }

    /// Folds a formatted batch into the states: appended (exact mode) or
    /// counted per threshold (binned mode); and the batch's reading counted.
    static func fold(_ state: inout MetricState, _ batch: CurveBatch, _ cfg: CurveConfig) throws {
        ScoreReading.record(&state, logits: batch.logits)
        if let thresholds = cfg.thresholds {
            let delta = try BinnedCounts.confusion(batch, thresholds: thresholds, cfg)
            state["confmat"] = state["confmat"] + delta
            return
        }
        guard batch.scores.count > 0 else { return }
        var target = batch.target
        if cfg.task == .multiclass && cfg.numClasses <= 256 { target = target.cast(.uint8) }
        state.append("preds", batch.scores)
        state.append("target", target)
    }
}
