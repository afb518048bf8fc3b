import Foundation
import Testing
import VernierCore
import VernierTensor

/// What one rank saw after syncing.
struct RankOutcome: Sendable {
    let syncedStates: [StateValue]
    let syncedCount: Int
    /// nil when compute threw (no rank had data).
    let value: MetricValue?
    let computeError: String?
    let localStatesAfterUnsync: [StateValue]
    let localCountAfterUnsync: Int
}

/// Splits `data` over `k` in-process ranks, syncs `make()`'s metric on each,
/// and checks it against one process fed everything and against merging the
/// ranks' metrics in rank order.
@Suite("Metric sync over in-process ranks")
struct MetricSyncTests {
    static let factories: [String: @Sendable () -> SpecMetric] = [
        "mean_of_sum": { TestMetrics.meanOfSum() },
        "rows": { TestMetrics.rows() },
        "extremes": { TestMetrics.extremes() },
        "row_digits": { TestMetrics.rowDigits() },
        "last_batch_mean": { TestMetrics.lastBatchMean() },
        "two_lists": { TestMetrics.twoLists() },
    ]

    static func data(for metric: String, rows n: Int) -> Tensor {
        metric == "mean_of_sum" ? TestData.column(n) : TestData.pairs(n)
    }

    /// Runs the split-and-sync job; each rank also unsyncs and reports its local state.
    static func runSynced(_ metric: String, ranks k: Int, data: Tensor) -> [Result<RankOutcome, any Error>] {
        let make = factories[metric]!
        let n = data.shape[0]
        return InProcessBackend.run(worldSize: k) { b in
            let m = make()
            try m.feed(TestData.rows(data, TestData.share(b.rank, of: n, ranks: k)))
            let localBefore = m.state.values
            try m.sync(over: b, deadline: .seconds(30))
            #expect(m.isSynced)
            let synced = m.state.values, count = m.updateCount
            var value: MetricValue?, computeError: String?
            do { value = try m.compute() } catch { computeError = "\(error)" }
            m.unsync()
            #expect(!m.isSynced)
            #expect(zip(localBefore, m.state.values).allSatisfy { $0.isIdentical(to: $1) }, "unsync restores the exact local states")
            return RankOutcome(syncedStates: synced, syncedCount: count, value: value, computeError: computeError,
                               localStatesAfterUnsync: m.state.values, localCountAfterUnsync: m.updateCount)
        }
    }

    /// The ranks' metrics merged in rank order (what sync must equal exactly).
    static func merged(_ metric: String, ranks k: Int, data: Tensor) throws -> SpecMetric {
        let make = factories[metric]!
        let parts = try (0..<k).map { r -> SpecMetric in
            let m = make()
            try m.feed(TestData.rows(data, TestData.share(r, of: data.shape[0], ranks: k)))
            return m
        }
        try parts[0].merge(Array(parts.dropFirst()))
        return parts[0]
    }

    @Test(arguments: ["mean_of_sum", "rows", "extremes", "row_digits", "last_batch_mean", "two_lists"], [1, 2, 3, 4])
    func syncEqualsMergeInRankOrder(_ metric: String, ranks k: Int) throws {
        for n in [0, 2, 23] {
            let data = Self.data(for: metric, rows: n)
            let reference = try Self.merged(metric, ranks: k, data: data)
            for (rank, result) in Self.runSynced(metric, ranks: k, data: data).enumerated() {
                let o = try result.get()
                #expect(Compare.identical(o.syncedStates, reference.state.values), "\(metric), \(n) rows, rank \(rank) of \(k)")
                #expect(o.syncedCount == reference.updateCount)
                // The batches of 5 rows each rank fed.
                let share = TestData.share(rank, of: n, ranks: k).count
                #expect(o.localCountAfterUnsync == (share + 4) / 5)
            }
        }
    }

    @Test func catStatesWithItemsOnDifferentRanks() throws {
        // 23 rows over 4 ranks: shares 0..<5, 5..<11, 11..<17, 17..<23; batches
        // start at rows 0 | 5, 10 | 11, 16 | 17, 22, and the batches starting at rows 0 and 16 are marked.
        let outcomes = try Self.runSynced("two_lists", ranks: 4, data: TestData.pairs(23)).map { try $0.get() }
        let locallyMarked = outcomes.map { o -> Int in
            guard case .list(let items) = o.localStatesAfterUnsync[2] else { return -1 }
            return items.count
        }
        #expect(locallyMarked == [1, 0, 1, 0])
        for o in outcomes {
            // The marked batches' first column, truncated to int64: rank 0's batch is
            // rows 0..<5, ((3i) mod 5) - 1.5 = -1.5, 1.5, -0.5, 2.5, 0.5; rank 2's
            // batch at row 16 is that row alone, ((3 * 16) mod 5) - 1.5 = 1.5.
            #expect(o.syncedStates[2].tensorValue?.toArray(Int64.self) == [-1, 1, 0, 2, 0, 1])
            #expect(o.syncedStates[0].tensorValue?.shape == [23, 2])
            #expect(o.syncedStates[1].tensorValue?.int64Element(at: 0) == 7)   // 1 + 2 + 2 + 2 batches
        }
    }

    /// Sum + count, cat, min/max (with int32 and bool states) give exactly the
    /// single-process value for every split: the data is exact in binary, so
    /// the order of additions does not matter.
    @Test(arguments: ["mean_of_sum", "rows", "extremes"], [1, 2, 3, 4])
    func syncEqualsOneProcessFedEverything(_ metric: String, ranks k: Int) throws {
        for n in [2, 23] {
            let data = Self.data(for: metric, rows: n)
            let single = Self.factories[metric]!()
            try single.feed(data)
            let expected = try single.compute()
            for (rank, result) in Self.runSynced(metric, ranks: k, data: data).enumerated() {
                let o = try result.get()
                #expect(o.value.map { Compare.identical($0, expected) } == true, "\(metric), \(n) rows, rank \(rank) of \(k): \(o.value?.summary ?? o.computeError ?? "")")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func noRankWithDataIsStillAValidSync(ranks k: Int) throws {
        for metric in ["mean_of_sum", "rows", "extremes"] {
            for result in Self.runSynced(metric, ranks: k, data: Self.data(for: metric, rows: 0)) {
                let o = try result.get()
                #expect(o.syncedCount == 0)
                #expect(o.computeError?.contains("before any update") == true, "\(metric): \(o.computeError ?? "computed")")
                if metric == "rows" {
                    guard case .list(let items) = o.syncedStates[0] else { Issue.record("cat state is not a list"); continue }
                    #expect(items.isEmpty)
                }
            }
        }
    }

    @Test func handComputedValues() throws {
        // 3 ranks; rank 0 sees nothing, rank 1 sees [1, 2], rank 2 sees [3, 4, 5]
        // (two batches: [3, 4, 5] is fed as one batch of 3 rows).
        let shares: [[Double]] = [[], [1, 2], [3, 4, 5]]
        let results = InProcessBackend.run(worldSize: 3) { b -> [Double] in
            let mean = TestMetrics.meanOfSum(), digits = TestMetrics.rowDigits(), avg = TestMetrics.lastBatchMean()
            let rows = TestMetrics.rows(columns: 1)
            let mine = shares[b.rank]
            if !mine.isEmpty {
                try mean.update(["preds": Tensor(mine)])
                try digits.update(["preds": Tensor(mine)])
                try rows.update(["preds": Tensor(mine, shape: [mine.count, 1])])
                try avg.update(["preds": Tensor(mine.flatMap { [$0, 10 * $0] }, shape: [mine.count, 2])])
            }
            let m = try mean.syncedCompute(over: b, deadline: .seconds(30)).doubleValue!
            let d = try digits.syncedCompute(over: b, deadline: .seconds(30)).doubleValue!
            let r = try rows.syncedCompute(over: b, deadline: .seconds(30)).tensor!.toDoubles()
            let a = try avg.syncedCompute(over: b, deadline: .seconds(30)).tensor!.toDoubles()
            #expect(mean.updateCount == (mine.isEmpty ? 0 : 1), "syncedCompute unsyncs")
            return [m, d] + r + a
        }
        for result in results {
            let v = try result.get()
            #expect(v[0] == 3)                   // (1 + 2 + 3 + 4 + 5) / 5
            #expect(v[1] == 23)                  // digits of row counts 0, 2, 3 in rank order: (0 * 10 + 2) * 10 + 3
            #expect(Array(v[2..<7]) == [1, 2, 3, 4, 5])
            // Column sums of each rank's batch: [0, 0] (no batch), [3, 30], [12, 120].
            let means: [Double] = [15.0 / 3, 150.0 / 3]
            #expect(Array(v[7...]) == means)
        }
    }

    @Test func inexactFloatsAgreeWithOneProcessWithinRounding() throws {
        var rng = SplitMix64(seed: 7)
        let data = Tensor.normal([1001], mean: 0.3, std: 2, dtype: .float64, using: &rng)
        let single = TestMetrics.meanOfSum()
        try single.feed(data)
        let expected = try single.compute().doubleValue!
        for result in Self.runSynced("mean_of_sum", ranks: 3, data: data) {
            let got = try result.get().value!.doubleValue!
            #expect(abs(got - expected) <= 1e-12 * abs(expected), "\(got) vs \(expected)")
        }
    }

    @Test func mismatchedLayoutsFailOnEveryRank() throws {
        // Rank 1 has other options; in the second job rank 2 declares another metric.
        let options = MetricOptions(["squared": .bool(false)])
        let byOptions = InProcessBackend.run(worldSize: 3) { b in
            let m = TestMetrics.meanOfSum(options: b.rank == 1 ? options : MetricOptions())
            try m.update(["preds": Tensor([1.0])])
            try m.sync(over: b, deadline: .seconds(30))
        }
        let byLayout = InProcessBackend.run(worldSize: 3) { b in
            let m = b.rank == 2 ? TestMetrics.rows() : TestMetrics.meanOfSum()
            try m.sync(over: b, deadline: .seconds(30))
        }
        for (rank, r) in (byOptions + byLayout).enumerated() {
            guard case .failure(let e) = r, case .stateMismatch(_, _, let detail) = e as? MetricError else {
                Issue.record("result \(rank): expected a state mismatch, got \(r)")
                continue
            }
            #expect(detail.contains("ranks disagree on the metric, its options or its state layout"), "\(detail)")
        }
    }

    @Test func catRowsOfDifferentShapeOrDTypeFailOnEveryRank() throws {
        let byShape = InProcessBackend.run(worldSize: 3) { b in
            let m = TestMetrics.rows()
            try m.update(["preds": .zeros([2, b.rank == 2 ? 3 : 2])])
            try m.sync(over: b, deadline: .seconds(30))
        }
        let byDType = InProcessBackend.run(worldSize: 2) { b in
            let m = TestMetrics.rows()
            try m.update(["preds": .zeros([1, 2], dtype: b.rank == 0 ? .float32 : .int64)])
            try m.sync(over: b, deadline: .seconds(30))
        }
        for r in byShape + byDType {
            guard case .failure(let e) = r, case .stateMismatch(_, let state, let detail) = e as? MetricError else {
                Issue.record("expected a state mismatch, got \(r)")
                continue
            }
            #expect(state == "rows" && detail.contains("different element shape or dtype"), "\(detail)")
        }
    }

    @Test func itemsThatDoNotConcatenateOnOneRankFailOnEveryRank() throws {
        let results = InProcessBackend.run(worldSize: 2) { b in
            let m = TestMetrics.rows()
            try m.update(["preds": .zeros([1, 2])])
            if b.rank == 1 { try m.update(["preds": .zeros([1, 3])]) }
            try m.sync(over: b, deadline: .seconds(30))
        }
        for r in results {
            guard case .failure(let e) = r else { Issue.record("sync succeeded"); continue }
            #expect("\(e)".contains("rank 1's items do not concatenate"), "\(e)")
        }
    }

    @Test func rankThatSkipsSyncMakesTheOthersTimeOutWithinTheDeadline() throws {
        let start = ContinuousClock.now
        let results = InProcessBackend.run(worldSize: 4) { b -> Bool in
            let m = TestMetrics.meanOfSum()
            try m.update(["preds": Tensor([Double(b.rank)])])
            if b.rank == 3 { return false }
            let before = m.state.values
            do {
                try m.sync(over: b, deadline: .seconds(0.5))
            } catch {
                #expect(!m.isSynced && zip(before, m.state.values).allSatisfy { $0.isIdentical(to: $1) }, "a failed sync changes nothing")
                throw error
            }
            return true
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(try results[3].get() == false)
        for rank in 0..<3 {
            guard case .failure(let e) = results[rank], case .timeout = e as? BackendError else {
                Issue.record("rank \(rank): expected a timeout, got \(results[rank])")
                continue
            }
            let text = "\(e)"
            #expect(text.contains("rank \(rank): allGather of metric 'mean_of_sum', state layout check timed out after 0.5 s")
                    && text.contains("rank(s) 3 did not reach"), "\(text)")
        }
    }

    @Test func unsyncLetsLocalAccumulationGoOn() throws {
        let results = InProcessBackend.run(worldSize: 2) { b -> [Double] in
            let m = TestMetrics.meanOfSum()
            try m.update(["preds": Tensor(b.rank == 0 ? [1.0, 3] : [5.0])])
            try m.sync(over: b, deadline: .seconds(30))
            let first = try m.compute().doubleValue!            // (1 + 3 + 5) / 3
            #expect(throws: MetricError.self, "updating a synced metric") { try m.update(["preds": Tensor([100.0])]) }
            try m.sync(over: b, deadline: .seconds(30))         // re-syncs the saved local states
            #expect(m.updateCount == 2)
            #expect(try m.compute().doubleValue! == first)
            m.unsync()
            let local: Double = b.rank == 0 ? 2 : 5
            #expect(try m.compute().doubleValue! == local)
            try m.update(["preds": Tensor([b.rank == 0 ? 7.0 : 11])])
            let second = try m.syncedCompute(over: b, deadline: .seconds(30)).doubleValue!   // (1 + 3 + 5 + 7 + 11) / 5
            #expect(!m.isSynced && m.updateCount == 2)
            return [first, second]
        }
        for r in results { #expect(try r.get() == [3, 5.4]) }
    }

    @Test func localBackendSyncKeepsValues() throws {
        let m = TestMetrics.extremes()
        try m.feed(TestData.pairs(7))
        let before = try m.compute()
        try m.sync(over: LocalBackend())
        #expect(Compare.identical(try m.compute(), before))
        let rows = TestMetrics.rows()
        try rows.feed(TestData.pairs(12))
        let all = try rows.compute()
        try rows.sync(over: LocalBackend())
        guard case .list(let items) = rows.state.values[0] else { Issue.record("not a list"); return }
        #expect(items.count == 1 && Compare.identical(.tensor(items[0]), all), "the batches become one tensor")
    }
}
