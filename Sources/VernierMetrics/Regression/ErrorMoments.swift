import VernierCore
import VernierTensor

/// Moments of the error `e = target - preds` (as `x`) and of the target (as
/// `y`) per output column: the state behind R², the relative squared error
/// and the explained variance.
///
/// From a summary: the residual sum of squares `Σ e² = m2X + n·meanX²`, the
/// total sum of squares `Σ (t - t̄)² = m2Y`, the error variance `m2X / n`.
enum ErrorMoments {
    /// The summaries of one batch: `[rows, columns]` view of `preds` and `target`
    /// (equal shapes), the difference formed in float64.
    static func batch(_ preds: Tensor, _ target: Tensor, columns: Int) throws -> [PairMoments] {
        let t = target.cast(.float64)
        let e = try Tensor.binary(.sub, t, preds.cast(.float64))
        return PairMoments.columns(e, t, columns: columns)
    }

    /// The residual sum of squares of a summary.
    static func residualSumOfSquares(_ m: PairMoments) -> Double { m.m2X + m.n * m.meanX * m.meanX }

    // MARK: Outputs of unknown width

    /// The name of the list state that holds the summaries of metrics whose
    /// output width comes from the data (R², explained variance): rows of
    /// shape `[1] + trailing + [10]`, one per instance (an update folds its
    /// batch into the instance's row). Merging and distributed sync both
    /// concatenate along axis 0, which keeps one row per instance either way;
    /// compute folds the rows in order.
    static let listState = "moments"

    /// Folds a batch whose columns have shape `trailing` into the list state.
    static func fold(_ state: inout MetricState, _ batch: [PairMoments], trailing: [Int], metric: String) throws {
        let packed = try PairMoments.pack(batch).reshaped([1] + trailing + [PairMoments.width])
        let items = state.list(listState)
        if let first = items.first, Array(first.shape.dropFirst()) != Array(packed.shape.dropFirst()) {
            throw MetricError.invalidInput(metric: metric, argument: "preds",
                                           expected: "trailing shape \(Array(first.shape.dropFirst().dropLast())) like earlier batches, got \(trailing)")
        }
        let merged = try combined(items + [packed], metric: metric)
        try state.setValue(.list([merged.tensor]), at: state.index(of: listState)!, metric: metric)
    }

    /// The summaries of every row merged in order, with the trailing shape;
    /// `tensor` is the merged single row `[1] + trailing + [10]`.
    static func combined(_ items: [Tensor], metric: String) throws -> (moments: [PairMoments], trailing: [Int], tensor: Tensor) {
        guard let first = items.first else { return ([], [], .zeros([0])) }
        for t in items.dropFirst() where Array(t.shape.dropFirst()) != Array(first.shape.dropFirst()) {
            throw MetricError.stateMismatch(metric: metric, state: listState, detail: "merged instances saw outputs of shapes \(Array(first.shape.dropFirst().dropLast())) and \(Array(t.shape.dropFirst().dropLast()))")
        }
        let rows = try Tensor.concatenate(items, axis: 0)
        let rowShape = Array(first.shape.dropFirst())
        var acc = try rows.slice(axis: 0, start: 0, end: 1).reshaped(rowShape)
        for r in 1..<rows.shape[0] {
            acc = try PairMoments.merged(acc, try rows.slice(axis: 0, start: r, end: r + 1).reshaped(rowShape)).reshaped(rowShape)
        }
        return (PairMoments.unpack(acc), Array(rowShape.dropLast()), try acc.reshaped([1] + rowShape))
    }

    /// Per-column scores reduced by `multioutput`: `raw_values` keeps them
    /// (shaped `trailing`), `uniform_average` is their mean,
    /// `variance_weighted` weights them by `weights` (the target variances;
    /// all-zero weights give NaN).
    static func reduce(_ scores: [Double], weights: [Double], multioutput: MultioutputAverage, trailing: [Int]) -> (values: [Double], shape: [Int]) {
        switch multioutput {
        case .rawValues:
            return (scores, trailing)
        case .varianceWeighted:
            let total = weights.reduce(0, +)
            return ([zip(scores, weights).reduce(0) { $0 + $1.1 / total * $1.0 }], [])
        case .uniformAverage:
            return ([scores.reduce(0, +) / Double(scores.count)], [])
        }
    }
}
