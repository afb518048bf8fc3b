import VernierTensor

/// One copy of a metric per output column (TorchMetrics' `MultioutputWrapper`),
/// for metrics that score one output at a time.
///
/// Every tensor argument has its outputs along `outputDim` (default -1, the
/// last axis; counted from the end for negative values, per argument). Copy
/// `i` is fed slice `i` along that axis of every argument; with
/// `removeNans`, rows (first axis) where any of those slices holds NaN are
/// left out for that copy only; with `squeezeOutputs`, the sliced axis is
/// removed. `compute` stacks the copies' values: shape `[numOutputs, ...]`.
///
/// States: copy `i`'s under `o<i>/`; merge, checkpoints and sync work per copy.
///
/// Edge cases: an argument without `numOutputs` entries along `outputDim`,
/// or a non-tensor argument, is an error; so is `removeNans` with the output
/// axis on the batch axis (rows could not be removed per output). A copy
/// whose rows were all removed in a batch is still updated with zero rows,
/// which the wrapped metric may reject.
///
/// ```swift
/// let perOutput = try MultioutputWrapper(try MeanAbsoluteError(), numOutputs: 2)
/// ```
public final class MultioutputWrapper: MetricWrapper {
    /// `multioutput_wrapper`.
    public let name = "multioutput_wrapper"
    /// `num_outputs`, `output_dim`, `remove_nans`, `squeeze_outputs` and the
    /// wrapped metric's identity (`metric`).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage
    /// The wrapped metric (a definition; its own states are not used).
    public let base: any Metric
    /// The number of outputs (copies).
    public let numOutputs: Int
    /// The axis holding the outputs in every argument (negative: from the end).
    public let outputDim: Int
    /// Whether rows holding NaN are left out, per output.
    public let removeNans: Bool
    /// Whether the output axis is removed after slicing.
    public let squeezeOutputs: Bool
    private let layout: ComposedStates

    /// `numOutputs` copies of `base`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   `numOutputs` is below 1.
    public init(_ base: any Metric, numOutputs: Int, outputDim: Int = -1, removeNans: Bool = true, squeezeOutputs: Bool = true) throws {
        guard numOutputs >= 1 else {
            throw MetricError.invalidOption(metric: "multioutput_wrapper", option: "num_outputs", expected: "an integer >= 1, got \(numOutputs)")
        }
        self.base = base
        self.numOutputs = numOutputs
        self.outputDim = outputDim
        self.removeNans = removeNans
        self.squeezeOutputs = squeezeOutputs
        let specs = base.freshState().specs
        layout = ComposedStates((0..<numOutputs).map { ("o\($0)/", specs) })
        options = MetricOptions([
            "num_outputs": .int(numOutputs), "output_dim": .int(outputDim), "remove_nans": .bool(removeNans),
            "squeeze_outputs": .bool(squeezeOutputs), "metric": base.identity,
        ])
        storage = MetricStorage(layout.specs)
    }

    /// Feeds copy `i` output `i` of every argument.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let given = inputs.restricted(to: base)
        var tensors: [(String, Tensor, Int)] = []
        for (argument, input) in given.values.sorted(by: { $0.key < $1.key }) {
            guard case .tensor(let t) = input else {
                throw MetricError.invalidInput(metric: name, argument: argument, expected: "a tensor with \(numOutputs) outputs")
            }
            let axis = outputDim < 0 ? outputDim + t.rank : outputDim
            guard t.rank >= 1, axis >= 0, axis < t.rank, t.shape[axis] == numOutputs else {
                throw MetricError.invalidInput(metric: name, argument: argument,
                                               expected: "\(numOutputs) outputs along output_dim=\(outputDim), got shape \(t.shape)")
            }
            if removeNans && axis == 0 {
                throw MetricError.invalidInput(metric: name, argument: argument,
                                               expected: "outputs on an axis other than the batch axis 0 with remove_nans=true, got shape \(t.shape)")
            }
            tensors.append((argument, t, axis))
        }
        for i in 0..<numOutputs {
            var selected = try tensors.map { argument, t, axis in (argument, try t.indexSelect(axis: axis, indices: [i]), axis) }
            if removeNans { selected = try withoutNaNRows(selected) }
            var copyInputs = given
            for (argument, t, axis) in selected {
                var shape = t.shape
                if squeezeOutputs { shape.remove(at: axis) }
                copyInputs[argument] = .tensor(try t.reshaped(shape))
            }
            var sub = try layout.state(of: i, in: state, metric: name)
            try base.updateState(&sub, with: copyInputs)
            try layout.store(sub, as: i, in: &state, metric: name)
        }
    }

    /// The arguments without the rows where any of them holds a NaN.
    private func withoutNaNRows(_ selected: [(String, Tensor, Int)]) throws -> [(String, Tensor, Int)] {
        guard let rows = selected.first?.1.shape.first, rows > 0 else { return selected }
        var nanRow = [Bool](repeating: false, count: rows)
        for (argument, t, _) in selected {
            guard t.shape[0] == rows else {
                throw MetricError.invalidInput(metric: name, argument: argument, expected: "\(rows) rows like the other arguments, got shape \(t.shape)")
            }
            guard t.dtype.isFloatingPoint, t.count > 0 else { continue }
            let perRow = try t.isnan().reshaped([rows, -1]).reduce(.max, axis: 1).toInt64s()
            for (r, flag) in perRow.enumerated() where flag != 0 { nanRow[r] = true }
        }
        guard nanRow.contains(true) else { return selected }
        let keep = nanRow.indices.filter { !nanRow[$0] }
        return try selected.map { argument, t, axis in (argument, try t.indexSelect(axis: 0, indices: keep), axis) }
    }

    /// The copies' values stacked along a new first axis.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when a copy's value is
    ///   not a tensor, or the copies' shapes differ.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let values = try (0..<numOutputs).map { i -> Tensor in
            guard case .tensor(let t) = try base.computeValue(from: layout.state(of: i, in: state, metric: name)) else {
                throw MetricError.failed(metric: name, detail: "\(base.name) must compute a tensor to stack per output")
            }
            return t
        }
        do { return .tensor(try Tensor.stack(values, axis: 0)) } catch {
            throw MetricError.failed(metric: name, detail: "cannot stack the outputs' values: \(error)")
        }
    }
}
