import Foundation
import OrderedCollections
import VernierTensor

/// How ``BootStrapper`` resamples the rows of a batch.
public enum BootstrapSampling: String, Sendable, CaseIterable {
    /// Each row is taken `k ~ Poisson(1)` times (rows in order): the batch
    /// size varies, and resampling batch by batch is exactly a bootstrap of
    /// the whole data set.
    case poisson
    /// `N` rows drawn uniformly with replacement from the batch's `N`.
    case multinomial
}

/// Bootstrap estimates of a metric's value (TorchMetrics' `BootStrapper`):
/// `numBootstraps` copies of the metric, each updated with a resample (with
/// replacement, along the first axis) of every batch.
///
/// `compute` returns, in this order and as requested: `mean` and `std`
/// (unbiased, `n - 1`) of the copies' values, elementwise; `quantile`
/// (linear interpolation, per element: the value's shape for one quantile,
/// `[Q, ...]` for several; TorchMetrics flattens the values first, which
/// agrees for scalar metrics); `raw`, the values stacked `[numBootstraps, ...]`.
///
/// Resampling is reproducible: batch `k` (counted in the `rng_step` state)
/// draws from a ``SplitMix64`` stream derived from `seed` and `k`, so the
/// same seed and batches give the same result, a rejected batch consumes
/// nothing, and a restored checkpoint continues the same streams. In a
/// distributed run give each rank its own seed, or the ranks resample
/// their rows with the same pattern; the seed is not part of the options,
/// so such instances merge, and a checkpoint loads whatever the seed (the
/// loading instance continues with its own).
///
/// States: copy `b`'s under `b<b>/`, then `rng_step` (int64, summed). Merge,
/// checkpoints and sync combine copy `b` with copy `b`: each copy stays a
/// bootstrap replicate of all the data.
///
/// Edge cases: arguments with different row counts are an error (scalar
/// tensors are passed whole). A copy whose resample is empty skips the batch
/// (TorchMetrics too); when every copy's resample is empty the batch is still
/// validated by the wrapped metric, so bad input is never silently dropped.
/// A copy that never received a row computes the wrapped metric's value for
/// empty states (e.g. NaN for a mean). A NaN value propagates to every
/// statistic. `std` needs at least two copies.
///
/// ```swift
/// let boot = try BootStrapper(try MeanSquaredError(), numBootstraps: 20, quantiles: [0.05, 0.95], seed: 7)
/// ```
public final class BootStrapper: MetricWrapper {
    /// `bootstrapper`.
    public let name = "bootstrapper"
    /// TorchMetrics' argument names and the wrapped metric's identity
    /// (`metric`). Not the seed: ranks with different seeds must merge.
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage
    /// The wrapped metric (a definition; its own states are not used).
    public let base: any Metric
    /// The number of resampled copies.
    public let numBootstraps: Int
    /// Whether `compute` reports the copies' mean.
    public let mean: Bool
    /// Whether `compute` reports their unbiased standard deviation.
    public let std: Bool
    /// The quantiles `compute` reports (none: no `quantile` entry).
    public let quantiles: [Double]
    /// Whether `compute` reports every copy's value.
    public let raw: Bool
    /// How batches are resampled.
    public let sampling: BootstrapSampling
    /// The seed of every batch's resampling stream.
    public let seed: UInt64
    private let layout: ComposedStates

    /// `numBootstraps` resampled copies of `base`.
    ///
    /// - Throws: ``MetricError/invalidOption(metric:option:expected:)`` when
    ///   `numBootstraps` is below 1 (below 2 with `std`), a quantile is outside
    ///   [0, 1], or no output is requested.
    public init(_ base: any Metric, numBootstraps: Int = 10, mean: Bool = true, std: Bool = true, quantiles: [Double] = [],
                raw: Bool = false, sampling: BootstrapSampling = .poisson, seed: UInt64 = 0) throws {
        func invalid(_ option: String, _ expected: String) -> MetricError {
            .invalidOption(metric: "bootstrapper", option: option, expected: expected)
        }
        guard numBootstraps >= (std ? 2 : 1) else {
            throw invalid("num_bootstraps", std ? "at least 2 to estimate std, got \(numBootstraps)" : "at least 1, got \(numBootstraps)")
        }
        if let q = quantiles.first(where: { !(0...1).contains($0) }) { throw invalid("quantile", "values in [0, 1], got \(q)") }
        guard mean || std || raw || !quantiles.isEmpty else { throw invalid("mean", "at least one of mean, std, quantile or raw") }
        self.base = base
        self.numBootstraps = numBootstraps
        self.mean = mean
        self.std = std
        self.quantiles = quantiles
        self.raw = raw
        self.sampling = sampling
        self.seed = seed
        let specs = base.freshState().specs
        layout = ComposedStates((0..<numBootstraps).map { ("b\($0)/", specs) })
        options = MetricOptions([
            "num_bootstraps": .int(numBootstraps), "mean": .bool(mean), "std": .bool(std),
            "quantile": .list(quantiles.map { .double($0) }), "raw": .bool(raw),
            "sampling_strategy": .string(sampling.rawValue), "metric": base.identity,
        ])
        storage = MetricStorage(layout.specs + [StateSpec("rng_step", .zeros([], dtype: .int64), .sum)])
    }

    /// True, as in TorchMetrics: `forward` resamples the batch once for its
    /// own value and once more, from the accumulated step's stream, for the
    /// states.
    public var fullStateUpdate: Bool { true }
    /// False: resamples depend on where batches begin and end.
    public var isBatchInvariant: Bool { false }

    /// Feeds each copy a resample of the batch's rows.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let given = inputs.restricted(to: base)
        var rows: Int?
        for (argument, input) in given.values.sorted(by: { $0.key < $1.key }) {
            if case .tensor(let t) = input, t.rank == 0 { continue }
            if let rows, input.rowCount != rows {
                throw MetricError.invalidInput(metric: name, argument: argument, expected: "\(rows) rows like the other arguments, got \(input.rowCount)")
            }
            rows = input.rowCount
        }
        guard let rows else {
            throw MetricError.invalidInput(metric: name, argument: base.inputNames.first ?? "inputs", expected: "an argument with rows to resample")
        }
        let step = state["rng_step"].int64Element(at: 0)
        var rng = Self.stream(seed: seed, step: step)
        var resampledAny = false
        for b in 0..<numBootstraps {
            let picked = sampling == .poisson ? Self.poissonRows(rows, &rng) : Self.multinomialRows(rows, &rng)
            if picked.isEmpty { continue }
            let resampled = MetricInputs(try given.values.mapValues { try $0.selectingRows(picked) })
            var sub = try layout.state(of: b, in: state, metric: name)
            try base.updateState(&sub, with: resampled)
            try layout.store(sub, as: b, in: &state, metric: name)
            resampledAny = true
        }
        if !resampledAny {
            var scratch = base.freshState()
            try base.updateState(&scratch, with: given)
        }
        state["rng_step"] = .scalar(step + 1)
    }

    /// The requested statistics of the copies' values.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the copies'
    ///   values are not tensors of one shape.
    public func computeValue(from state: MetricState) throws -> MetricValue {
        let values = try (0..<numBootstraps).map { b -> Tensor in
            guard case .tensor(let t) = try base.computeValue(from: layout.state(of: b, in: state, metric: name)) else {
                throw MetricError.failed(metric: name, detail: "\(base.name) must compute a tensor to bootstrap")
            }
            return t
        }
        let shape = values[0].shape
        guard values.allSatisfy({ $0.shape == shape }) else {
            throw MetricError.failed(metric: name, detail: "the copies of \(base.name) computed values of different shapes")
        }
        let dtype = values[0].dtype.isFloatingPoint ? values[0].dtype : .float32
        let samples = values.map { $0.toDoubles() }
        let n = Double(numBootstraps)
        let means = (0..<values[0].count).map { j in samples.reduce(0) { $0 + $1[j] } / n }
        var out = OrderedDictionary<String, MetricValue>()
        if mean { out["mean"] = .tensor(Tensor(means, shape: shape).cast(dtype)) }
        if std {
            let stds = means.indices.map { j in (samples.reduce(0) { $0 + ($1[j] - means[j]) * ($1[j] - means[j]) } / (n - 1)).squareRoot() }
            out["std"] = .tensor(Tensor(stds, shape: shape).cast(dtype))
        }
        if !quantiles.isEmpty {
            let columns = means.indices.map { j in samples.map { $0[j] }.sorted() }
            let q = quantiles.flatMap { q in columns.map { Self.quantile($0, q) } }
            out["quantile"] = .tensor(Tensor(q, shape: quantiles.count == 1 ? shape : [quantiles.count] + shape).cast(dtype))
        }
        if raw { out["raw"] = .tensor(try Tensor.stack(values, axis: 0).cast(dtype)) }
        return .dict(out)
    }

    /// The `q` quantile of ascending `sorted` by linear interpolation
    /// (torch.quantile's default); NaN when any value is NaN.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        if sorted.contains(where: \.isNaN) { return .nan }
        let position = q * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = Int(position.rounded(.up))
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
    }

    /// The generator for batch `step`: `seed` mixed with `step` through a
    /// second SplitMix64, so the streams of consecutive batches are unrelated
    /// (seeds one gamma apart would give the same stream shifted by one).
    static func stream(seed: UInt64, step: Int64) -> SplitMix64 {
        var mixer = SplitMix64(seed: UInt64(bitPattern: step))
        return SplitMix64(seed: seed ^ mixer.next())
    }

    /// Row `r` repeated `k_r ~ Poisson(1)` times, rows in order. `k` comes
    /// from one uniform by inversion of the Poisson(1) CDF.
    static func poissonRows(_ n: Int, _ rng: inout SplitMix64) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(n)
        for r in 0..<n {
            let u = rng.nextUnit()
            var k = 0
            while k < poissonCDF.count && u >= poissonCDF[k] { k += 1 }
            for _ in 0..<k { out.append(r) }
        }
        return out
    }

    /// `P(K <= k)` for `K ~ Poisson(1)`, `k = 0...29`: a uniform at or above
    /// entry `k` means `K > k`. P(K > 29) is below 1e-31, far under the
    /// uniform's 2^-53 resolution, so the table is the whole distribution.
    static let poissonCDF: [Double] = {
        var p = exp(-1.0), cdf = p, out = [cdf]
        for k in 1..<30 {
            p /= Double(k)
            cdf += p
            out.append(cdf)
        }
        return out
    }()

    /// `n` rows drawn uniformly with replacement (multiply-high mapping of a
    /// 64-bit draw onto `0..<n`; the bias is below `n / 2^64`).
    static func multinomialRows(_ n: Int, _ rng: inout SplitMix64) -> [Int] {
        (0..<n).map { _ in Int(rng.next().multipliedFullWidth(by: UInt64(n)).high) }
    }
}

extension MetricInput {
    /// The rows at `indices` (in that order, repeats allowed); a scalar tensor whole.
    func selectingRows(_ indices: [Int]) throws -> MetricInput {
        switch self {
        case .tensor(let t): return t.rank == 0 ? self : .tensor(try t.indexSelect(axis: 0, indices: indices))
        case .strings(let s): return .strings(indices.map { s[$0] })
        case .stringLists(let s): return .stringLists(indices.map { s[$0] })
        }
    }
}
