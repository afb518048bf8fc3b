import VernierCore
import VernierTensor

/// Input checks shared by the built-in metrics. Each throws
/// ``MetricError/invalidInput(metric:argument:expected:)`` naming the metric,
/// the argument and what was expected.
enum Check {
    static func sameShape(_ a: Tensor, _ b: Tensor, metric: String, _ na: String = "preds", _ nb: String = "target") throws {
        guard a.shape == b.shape else {
            throw MetricError.invalidInput(metric: metric, argument: nb, expected: "the same shape as '\(na)' \(a.shape), got \(b.shape)")
        }
    }

    static func floating(_ t: Tensor, metric: String, _ name: String) throws {
        guard t.dtype.isFloatingPoint else {
            throw MetricError.invalidInput(metric: metric, argument: name, expected: "a float32 or float64 tensor, got \(t.dtype)")
        }
    }

    static func noNaN(_ t: Tensor, metric: String, _ name: String) throws {
        if t.containsNaN() {
            throw MetricError.invalidInput(metric: metric, argument: name, expected: "no NaN values")
        }
    }

    static func nonEmpty(_ t: Tensor, metric: String, _ name: String) throws {
        guard t.count > 0 else {
            throw MetricError.invalidInput(metric: metric, argument: name, expected: "at least one element")
        }
    }

    static func rank(_ t: Tensor, atLeast r: Int, metric: String, _ name: String, why: String = "") throws {
        guard t.rank >= r else {
            throw MetricError.invalidInput(metric: metric, argument: name, expected: "at least \(r) dimensions\(why.isEmpty ? "" : " (\(why))"), got shape \(t.shape)")
        }
    }
}
