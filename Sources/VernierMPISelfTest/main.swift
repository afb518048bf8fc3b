// vernier-mpi-selftest: checks MPIBackend and Metric.sync under a real
// `mpirun`, and reproduces the faults a distributed job must survive. Run by
// Tests/VernierDistributedTests/MPIJobTests.swift; by hand:
//
//   mpirun --allow-run-as-root --oversubscribe -np 4 .build/debug/vernier-mpi-selftest sync
//
// Modes (the first argument; `--timeout SECONDS` sets the sync deadline):
//   sync              sync built-in and hand-made metrics; every rank checks
//                     them against merging per-rank instances in rank order;
//                     also with tiny MPI calls (chunking) and NaN min/max
//   mismatch          rank 1 builds a metric with other options: every rank
//                     must get the layout error, and the backend stays usable
//   hang              the last rank never syncs: the others time out and abort
//   hang-throw        the same with TimeoutAction.throwError: the others get
//                     the error, find the backend broken, and exit with status 2
//   exit              the last rank exits abruptly before syncing (a crash)
//   bench             DistributedBenchmark over MPI (rank 0 prints)
//   bench-in-process K  the same over K in-process ranks (no mpirun needed)
import Foundation
import VernierCore
import VernierMetrics
import VernierMPI
import VernierTensor

/// Fails the rank with a message on stderr.
struct SelfTestFailure: Error, CustomStringConvertible {
    let description: String
}

func require(_ ok: Bool, _ message: @autoclosure () -> String) throws {
    if !ok { throw SelfTestFailure(description: message()) }
}

/// Keeps rank `r` of `k`'s contiguous share of `n` rows: `r*n/k ..< (r+1)*n/k`.
func share(_ r: Int, of n: Int, ranks k: Int) -> Range<Int> { (r * n / k)..<((r + 1) * n / k) }

/// Deterministic inputs whose sums are exact in binary floating point, so
/// MPI's order of additions cannot change a result.
func inputs(rows n: Int) -> MetricInputs {
    let value = Tensor((0..<n).map { 0.5 * Double((7 * $0) % 11) - 2 })
    let target = Tensor((0..<n).map { Int64(($0 * 5) % 3) })
    let preds = Tensor((0..<n).map { Int64(($0 * 2) % 3) })
    return ["value": value, "preds": preds, "target": target]
}

func rows(_ all: MetricInputs, _ range: Range<Int>, for metric: any Metric) throws -> MetricInputs {
    var out = MetricInputs()
    for name in metric.inputNames {
        guard case .tensor(let t) = all[name] else { throw SelfTestFailure(description: "no input \(name)") }
        out[name] = .tensor(try t.slice(axis: 0, start: range.lowerBound, end: range.upperBound))
    }
    return out
}

func feed(_ m: any Metric, _ all: MetricInputs, _ range: Range<Int>) throws {
    for start in stride(from: range.lowerBound, to: range.upperBound, by: 5) {
        try m.update(try rows(all, start..<Swift.min(range.upperBound, start + 5), for: m))
    }
}

/// A metric with the two reductions no built-in uses: a `custom` reducer
/// that depends on rank order (the ranks' row counts as decimal digits) and
/// a `mean` state; plus int32 and bool states, which travel as int64.
final class RankStampMetric: Metric {
    static let digits = CustomReduction(name: "digits") { ts in
        ts.dropFirst().reduce(ts[0]) { acc, t in acc * Tensor.scalar(Int64(10)) + t }
    }
    let name = "rank_stamp"
    let options = MetricOptions()
    let inputNames = ["value"]
    var storage = MetricStorage([
        StateSpec("rows", .zeros([], dtype: .int64), .custom(RankStampMetric.digits)),
        StateSpec("last_sum", .zeros([2], dtype: .float64), .mean),
        StateSpec("rows32", .zeros([], dtype: .int32), .sum),
        StateSpec("negative", .zeros([], dtype: .bool), .max),
    ])

    func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let v = try inputs.tensor("value", metric: name)
        state["rows"] = state["rows"] + Tensor.scalar(Int64(v.count))
        state["last_sum"] = Tensor([v.sumAsDouble(), Double(v.count)])
        state["rows32"] = state["rows32"] + Tensor.scalar(Double(v.count), dtype: .int32)
        state["negative"] = state["negative"] || Tensor.scalar(v.lt(0).sumAsDouble() > 0 ? 1 : 0, dtype: .bool)
    }

    func computeValue(from state: MetricState) throws -> MetricValue {
        .list([.tensor(state["rows"]), .tensor(state["last_sum"]), .tensor(state["rows32"]), .tensor(state["negative"])])
    }
}

let specs = ["sum", "mean", "min", "max", "cat", "mean_squared_error", "multiclass_accuracy:num_classes=3,average=macro"]

func makeMetrics() throws -> [any Metric] {
    let registry = MetricRegistry.builtins()
    return try specs.map { try registry.make(spec: $0) } + [RankStampMetric()]
}

func identical(_ a: MetricValue, _ b: MetricValue) -> Bool {
    switch (a, b) {
    case let (.tensor(x), .tensor(y)): return x.isIdentical(to: y)
    case let (.list(x), .list(y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    default: return false
    }
}

/// Syncs every metric fed this rank's share of `n` rows and compares it
/// with the per-rank instances merged in rank order. Returns the number of checks.
func checkSync(_ backend: MPIBackend, rows n: Int, deadline: Double) throws -> Int {
    let all = inputs(rows: n)
    let k = backend.worldSize
    var checks = 0
    for (index, metric) in try makeMetrics().enumerated() {
        try feed(metric, all, share(backend.rank, of: n, ranks: k))
        let reference = try (0..<k).map { r -> any Metric in
            let m = try makeMetrics()[index]
            try feed(m, all, share(r, of: n, ranks: k))
            return m
        }
        try reference[0].merge(Array(reference.dropFirst()))
        let localBefore = metric.state.values
        try metric.sync(over: backend, deadline: .seconds(deadline))
        let what = "\(metric.name), \(n) rows, rank \(backend.rank) of \(k)"
        for (i, (got, want)) in zip(metric.state.values, reference[0].state.values).enumerated() {
            let same: Bool
            switch (got.tensorValue, want.tensorValue) {
            case (nil, nil): same = true
            case let (x?, y?): same = x.isIdentical(to: y)
            default: same = false
            }
            try require(same, "\(what): state \(metric.state.specs[i].name) is \(got), expected \(want)")
        }
        try require(metric.updateCount == reference[0].updateCount, "\(what): update count \(metric.updateCount), expected \(reference[0].updateCount)")
        if reference[0].updateCount > 0 {
            let got = try metric.compute(), want = try reference[0].compute()
            try require(identical(got, want), "\(what): value \(got.summary), expected \(want.summary)")
        }
        metric.unsync()
        try require(zip(localBefore, metric.state.values).allSatisfy { $0.isIdentical(to: $1) }, "\(what): unsync did not restore the local states")
        checks += 1
    }
    return checks
}

func runSync(_ deadline: Double) throws {
    let backend = try MPIBackend()
    // Tiny MPI calls: every all-reduce and gather of more than 3 elements is chunked.
    let chunked = try MPIBackend(configuration: .init(maxElementsPerCall: 3))
    var checks = 0
    for n in [0, 2, 23, 101] {
        checks += try checkSync(backend, rows: n, deadline: deadline)
        checks += try checkSync(chunked, rows: n, deadline: deadline)
    }
    for b in [backend, chunked] {
        var t = Tensor(b.rank == 1 ? [Float.nan, 4, 1, 2, 3] : [Float(b.rank), 5, 1, 2, 3])
        try b.allReduce(&t, .min, label: "NaN check", deadline: .seconds(deadline))
        let v = t.toArray(Float.self)
        try require(v[0].isNaN && Array(v[1...]) == [4, 1, 2, 3], "\(b.name): NaN did not propagate through min: \(v)")
        var i = Tensor((0..<10).map { Int64($0 * (b.rank + 1)) })
        try b.allReduce(&i, .sum, label: "int64 sum", deadline: .seconds(deadline))
        let factor = Int64(b.worldSize * (b.worldSize + 1) / 2)
        try require(i.toArray(Int64.self) == (0..<10).map { Int64($0) * factor }, "int64 sum: \(i)")
        try b.barrier(label: "selftest end", deadline: .seconds(deadline))
        checks += 3
    }
    print("rank \(backend.rank)/\(backend.worldSize): sync passed (\(checks) checks)")
}

func runMismatch(_ deadline: Double) throws {
    let backend = try MPIBackend()
    let spec = backend.rank == 1 ? "mean_squared_error:squared=false" : "mean_squared_error"
    let m = try MetricRegistry.builtins().make(spec: spec)
    do {
        try m.sync(over: backend, deadline: .seconds(deadline))
        throw SelfTestFailure(description: "rank \(backend.rank): sync with mismatched options succeeded")
    } catch let MetricError.stateMismatch(_, _, detail) {
        try require(detail.contains("ranks disagree"), "unexpected mismatch message: \(detail)")
    }
    try backend.barrier(label: "after the mismatch", deadline: .seconds(deadline))
    print("rank \(backend.rank)/\(backend.worldSize): mismatch detected on every rank, backend still usable")
}

func runFault(_ mode: String, _ deadline: Double) throws {
    let backend = try MPIBackend(configuration: .init(timeoutAction: mode == "hang-throw" ? .throwError : .abort(exitCode: 124)))
    let m = try MetricRegistry.builtins().make(spec: "sum")
    try m.update(["value": Tensor([Double(backend.rank)])])
    if backend.rank == backend.worldSize - 1 {
        if mode.hasPrefix("hang") {
            FileHandle.standardError.write(Data("rank \(backend.rank): hanging instead of syncing\n".utf8))
            Thread.sleep(forTimeInterval: 3600)
        } else {
            FileHandle.standardError.write(Data("rank \(backend.rank): exiting abruptly (status 3) instead of syncing\n".utf8))
            _exit(3)
        }
    }
    do {
        try m.sync(over: backend, deadline: .seconds(deadline))
    } catch let error as BackendError {
        guard case .timeout = error, mode == "hang-throw" else { throw error }
        try require(!m.isSynced && m.updateCount == 1, "rank \(backend.rank): the failed sync changed the metric")
        let start = ContinuousClock.now
        do {
            try backend.barrier(label: "after the timeout", deadline: .seconds(deadline))
            throw SelfTestFailure(description: "rank \(backend.rank): a broken backend ran a barrier")
        } catch BackendError.broken {
            try require(ContinuousClock.now - start < .seconds(1), "rank \(backend.rank): the broken backend did not fail at once")
        }
        // Exiting without MPI_Finalize (the request is abandoned) makes
        // mpirun end the job, including the hung rank.
        FileHandle.standardError.write(Data("vernier: \(error)\nrank \(backend.rank): backend broken as expected; exiting with status 2\n".utf8))
        // The other waiting ranks time out within moments: give them time to
        // report before this exit makes mpirun end the job.
        Thread.sleep(forTimeInterval: 0.5)
        exit(2)
    }
    throw SelfTestFailure(description: "rank \(backend.rank): sync completed although rank \(backend.worldSize - 1) never took part")
}

func printBenchmark(_ measurements: [DistributedBenchmark.Measurement]) {
    for m in measurements { print(m) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "sync"
var deadline = 60.0
if let i = arguments.firstIndex(of: "--timeout"), i + 1 < arguments.count, let s = Double(arguments[i + 1]), s > 0 { deadline = s }

do {
    switch mode {
    case "sync": try runSync(deadline)
    case "mismatch": try runMismatch(deadline)
    case "hang", "hang-throw", "exit": try runFault(mode, deadline)
    case "bench":
        let backend = try MPIBackend()
        let results = try DistributedBenchmark.run(backend: backend)
        if backend.rank == 0 { printBenchmark(results) }
    case "bench-in-process":
        let k = arguments.count > 1 ? Int(arguments[1]) ?? 4 : 4
        let results = InProcessBackend.run(worldSize: k) { b in try DistributedBenchmark.run(backend: b) }
        printBenchmark(try results[0].get())
    default:
        throw SelfTestFailure(description: "unknown mode '\(mode)' (sync, mismatch, hang, hang-throw, exit, bench, bench-in-process K)")
    }
} catch {
    FileHandle.standardError.write(Data("vernier-mpi-selftest: FAILED: \(error)\n".utf8))
    exit(1)
}
