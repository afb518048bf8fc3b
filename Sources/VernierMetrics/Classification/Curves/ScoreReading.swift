import VernierCore
import VernierTensor

/// How the score-based metrics read float `preds`: TorchMetrics' per-batch
/// rule under `input_format=auto` (a batch with any value outside [0, 1] is
/// logits and gets a sigmoid, or a softmax over classes), or a reading pinned
/// for the whole run (`probs`, `logits`); see ``InputFormat``.
enum ScoreReading {
    /// Whether a batch whose values span `range` is read as logits.
    ///
    /// - Throws: ``MetricError/invalidInput(metric:argument:expected:)`` for NaN
    ///   scores, and for values outside [0, 1] under `input_format='probs'`.
    static func isLogits(_ range: (min: Double, max: Double, hasNaN: Bool), _ format: InputFormat, metric: String) throws -> Bool {
        if range.hasNaN {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "no NaN scores")
        }
        let outside = range.min < 0 || range.max > 1
        switch format {
        case .probs:
            if outside {
                throw MetricError.invalidInput(metric: metric, argument: "preds",
                                               expected: "probabilities in [0, 1] (input_format='probs'), found values in [\(range.min), \(range.max)]")
            }
            return false
        case .logits: return true
        case .auto, .labels: return outside
        }
    }

    /// Counts the batch in the `format_counts` state (`[logits, probs]`).
    static func record(_ state: inout MetricState, logits: Bool) {
        let name = StatScoresConfig.mixedFormatState
        state[name] = state[name] + Tensor([logits ? Int64(1) : 0, logits ? 0 : Int64(1)], shape: [2])
    }

    /// The format-count state declaration.
    static var formatSpec: StateSpec { StateSpec(StatScoresConfig.mixedFormatState, .zeros([2], dtype: .int64), .sum) }

    /// The sigmoid of every element, in the input's float dtype.
    static func sigmoid(_ t: Tensor) -> Tensor { t.unary(.sigmoid) }

    /// The softmax of every row of `[M, C]` scores, in the input's dtype.
    ///
    /// - Throws: for infinite scores, whose softmax is NaN.
    static func softmaxRows(_ t: Tensor, metric: String) throws -> Tensor {
        let range = t.valueRange()
        guard range.min.isFinite && range.max.isFinite || t.count == 0 else {
            throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "finite logits (the softmax of an infinite score is undefined)")
        }
        return try t.softmax(axis: 1)
    }
}
