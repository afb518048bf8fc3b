import Foundation
import VernierTensor

/// Measures what ``Metric/sync(over:deadline:)`` costs on a backend. Every
/// rank of the backend must call ``run(backend:repetitions:catElements:sumStates:)``
/// at the same time; every rank gets the same measurements.
///
/// Workloads:
/// - `cat`: one `cat` state holding `catElements` float32 values in all,
///   split evenly over the ranks (each rank's share in items of at most
///   100,000 values, as batches would leave it): local concatenation plus a
///   ragged all-gather;
/// - `sum`: a metric with `sumStates` scalar float32 `sum` states, which
///   sync coalesces into one all-reduce;
/// - `allreduce`: the same `sumStates` scalars as separate one-element
///   all-reduces on the backend: what the coalescing saves.
///
/// A repetition's time is the slowest rank's (ranks wait for each other);
/// a barrier precedes each repetition and one unmeasured repetition warms up.
public enum DistributedBenchmark {
    /// One workload's timings.
    public struct Measurement: Sendable, CustomStringConvertible {
        /// `cat`, `sum` or `allreduce`.
        public let workload: String
        /// What was reduced, in words.
        public let detail: String
        /// The backend's ``Backend/name``.
        public let backend: String
        /// The number of ranks.
        public let worldSize: Int
        /// The median over repetitions of the slowest rank's seconds.
        public let medianSeconds: Double
        /// The fastest repetition (slowest rank's seconds).
        public let minSeconds: Double

        /// `cat  10000000 float32 values in one cat state   mpi x4   median 41.20 ms   min 39.80 ms`.
        public var description: String {
            let padded = (workload + "          ").prefix(10) + (detail + String(repeating: " ", count: 48)).prefix(48)
            return String(format: "%@ %@ x%d   median %8.3f ms   min %8.3f ms", String(padded), backend, worldSize, medianSeconds * 1e3, minSeconds * 1e3)
        }
    }

    /// Runs every workload `repetitions` times on `backend` (collective).
    ///
    /// - Throws: ``BackendError`` from the collectives (each has a 120 s
    ///   deadline), or ``MetricError/failed(metric:detail:)`` when a synced
    ///   result is wrong (a benchmark of wrong results measures nothing).
    public static func run(backend: any Backend, repetitions: Int = 5, catElements: Int = 10_000_000, sumStates: Int = 1000) throws -> [Measurement] {
        precondition(repetitions >= 1 && catElements >= 0 && sumStates >= 1, "DistributedBenchmark: invalid sizes")
        let deadline = Deadline.seconds(120)
        let k = backend.worldSize, r = backend.rank

        let share = (r * catElements / k)..<((r + 1) * catElements / k)
        let catMetric = BenchmarkMetric(name: "benchmark_cat", specs: [StateSpec(list: "values")])
        let items = stride(from: share.lowerBound, to: share.upperBound, by: 100_000).map { start in
            Tensor((start..<Swift.min(share.upperBound, start + 100_000)).map { Float($0 % 1024) })
        }
        try catMetric.restore(values: [.list(items)], updateCount: 1)
        let cat = try measure("cat", "\(catElements) float32 values in one cat state", backend, repetitions, deadline) {
            try catMetric.sync(over: backend, deadline: deadline)
            guard case .list(let synced) = catMetric.state.values[0], synced.first?.count ?? 0 == catElements else {
                throw MetricError.failed(metric: catMetric.name, detail: "benchmark: the synced cat state does not hold \(catElements) values")
            }
            catMetric.unsync()
        }

        let sumMetric = BenchmarkMetric(name: "benchmark_sum", specs: (0..<sumStates).map { StateSpec("s\($0)", .zeros([], dtype: .float32), .sum) })
        try sumMetric.restore(values: (0..<sumStates).map { .tensor(.scalar(Double($0 % 7 + r), dtype: .float32)) }, updateCount: 1)
        let expectedFirst = Double(k * (k - 1) / 2)
        let sum = try measure("sum", "\(sumStates) scalar float32 sum states", backend, repetitions, deadline) {
            try sumMetric.sync(over: backend, deadline: deadline)
            guard case .tensor(let t) = sumMetric.state.values[0], t.item() == expectedFirst else {
                throw MetricError.failed(metric: sumMetric.name, detail: "benchmark: the synced sum is wrong")
            }
            sumMetric.unsync()
        }

        let separate = try measure("allreduce", "\(sumStates) one-element all-reduces (uncoalesced)", backend, repetitions, deadline) {
            for i in 0..<sumStates {
                var t = Tensor([Float(i % 7 + r)])
                try backend.allReduce(&t, .sum, label: "benchmark scalar \(i)", deadline: deadline)
            }
        }
        return [cat, sum, separate]
    }

    private static func measure(_ workload: String, _ detail: String, _ backend: any Backend, _ repetitions: Int, _ deadline: Deadline, _ body: () throws -> Void) throws -> Measurement {
        var times: [Double] = []
        for rep in 0...repetitions {
            try backend.barrier(label: "benchmark \(workload)", deadline: deadline)
            let start = ContinuousClock.now
            try body()
            var slowest = Tensor([(ContinuousClock.now - start).seconds])
            try backend.allReduce(&slowest, .max, label: "benchmark timing", deadline: deadline)
            if rep > 0 { times.append(slowest.item()) }
        }
        times.sort()
        return Measurement(workload: workload, detail: detail, backend: backend.name, worldSize: backend.worldSize,
                           medianSeconds: times[times.count / 2], minSeconds: times[0])
    }
}

/// A metric whose states the benchmark sets directly (it has no update).
private final class BenchmarkMetric: Metric {
    let name: String
    let options = MetricOptions()
    let inputNames: [String] = []
    var storage: MetricStorage

    init(name: String, specs: [StateSpec]) {
        self.name = name
        self.storage = MetricStorage(specs)
    }

    func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        throw MetricError.failed(metric: name, detail: "a benchmark metric's states are set with restore(values:updateCount:)")
    }

    func computeValue(from state: MetricState) throws -> MetricValue {
        throw MetricError.failed(metric: name, detail: "a benchmark metric has no value")
    }
}
