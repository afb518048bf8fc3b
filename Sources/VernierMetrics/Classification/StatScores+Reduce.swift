import VernierCore
import VernierTensor

/// `num / den`, or `zeroDivision` where `den` is 0 (TorchMetrics' `_safe_divide`).
@inline(__always)
func safeDivide(_ num: Double, _ den: Double, _ zeroDivision: Double = 0) -> Double {
    den != 0 ? num / den : zeroDivision
}

extension StatTotals {
    /// `f(tp, fp, tn, fn)` for every row and class.
    public func map(_ f: (Double, Double, Double, Double) -> Double) -> [Double] {
        (0..<(rows * cols)).map { f(tp[$0], fp[$0], tn[$0], fn[$0]) }
    }

    /// The statistics summed over classes (one column).
    public func summedOverClasses() -> StatTotals {
        var out = StatTotals(rows: rows, cols: 1)
        for r in 0..<rows {
            for c in 0..<cols {
                let i = r * cols + c
                out.tp[r] += tp[i]; out.fp[r] += fp[i]; out.tn[r] += tn[i]; out.fn[r] += fn[i]
            }
        }
        return out
    }
}

extension StatScores {
    /// Reduces per-class scores over classes (TorchMetrics'
    /// `_adjust_weights_safe_divide`): `none` keeps them; `weighted` weights
    /// by support `tp + fn`; `macro` weights every class 1, except that in
    /// the multiclass task classes with `tp + fp + fn = 0` are left out (with
    /// `topKAware` and `top_k > 1`: classes with `tp + fn = 0`). The weighted
    /// mean of a row whose weights sum to 0 is 0.
    ///
    /// - Parameter topKAware: whether the metric follows TorchMetrics in
    ///   passing `top_k` to the reduction (accuracy, precision, recall,
    ///   negative predictive value do; F-scores, specificity, Hamming do not).
    /// - Returns: one value per row (or the scores unchanged for `none`).
    public static func averageOverClasses(_ scores: [Double], _ t: StatTotals, _ cfg: StatScoresConfig, topKAware: Bool = false) -> [Double] {
        if cfg.average == .none { return scores }
        let supportRule = topKAware && cfg.topK > 1
        var out = [Double](repeating: 0, count: t.rows)
        for r in 0..<t.rows {
            var num = 0.0, den = 0.0
            for c in 0..<t.cols {
                let i = r * t.cols + c
                var w = 1.0
                if cfg.average == .weighted {
                    w = t.tp[i] + t.fn[i]
                } else if cfg.task == .multiclass {
                    let absent = supportRule ? t.tp[i] + t.fn[i] == 0 : t.tp[i] + t.fp[i] + t.fn[i] == 0
                    if absent { w = 0 }
                }
                num += w * scores[i]
                den += w
            }
            out[r] = safeDivide(num, den)
        }
        return out
    }

    /// Shapes per-row (or per-row-and-class) values as the metric's float32
    /// output: global gives a scalar (or `[C]` for `none`), samplewise `[N]`
    /// (or `[N, C]`).
    public static func output(_ values: [Double], perClass: Bool, _ t: StatTotals, _ cfg: StatScoresConfig) -> MetricValue {
        var shape: [Int] = []
        if cfg.multidimAverage == .samplewise { shape.append(t.rows) }
        if perClass { shape.append(t.cols) }
        return .tensor(Tensor(values.map { Float($0) }, shape: shape))
    }

    /// The common reduction of the stat-score family: binary scores the
    /// single column; `micro` scores the class-summed statistics; otherwise
    /// per-class `score`, averaged by ``averageOverClasses(_:_:_:topKAware:)``.
    public static func reduce(
        _ t: StatTotals, _ cfg: StatScoresConfig, topKAware: Bool = false,
        score: (Double, Double, Double, Double) -> Double
    ) -> MetricValue {
        if cfg.task == .binary { return output(t.map(score), perClass: false, t, cfg) }
        if cfg.average == .micro { return output(t.summedOverClasses().map(score), perClass: false, t, cfg) }
        return output(averageOverClasses(t.map(score), t, cfg, topKAware: topKAware), perClass: cfg.average == .none, t, cfg)
    }
}

extension StatScoresConfig: ClassificationConfig {
    /// Validates a batch and folds its counts in (``StatScores/update(_:_:_:metric:)``).
    public func update(_ state: inout MetricState, _ inputs: MetricInputs, metric: String) throws {
        try StatScores.update(&state, inputs, self, metric: metric)
    }

    /// Everything that shapes the states and their update (not `average`,
    /// `zero_division` or other compute-only options).
    public var stateKey: String {
        let ignore = ignoreIndex.map(String.init) ?? "None"
        return "\(statistics.rawValue)/\(task.rawValue)/\(numClasses)/\(threshold)/\(topK)/\(multidimAverage.rawValue)/\(ignore)/\(inputFormat.rawValue)"
    }
}
