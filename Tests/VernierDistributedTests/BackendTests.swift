import Foundation
import Testing
import VernierCore
import VernierTensor

/// The collectives of the in-process and local backends, on hand-computed values.
@Suite("Backends")
struct BackendTests {
    @Test func allReduceSumMinMaxOverThreeRanks() throws {
        // Rank r holds [r + 1, -r, 2r] (float32), [1.5 * r] (float64) and [10^r] (int64).
        let results = InProcessBackend.run(worldSize: 3) { b -> [[Double]] in
            let r = Float(b.rank)
            var out: [[Double]] = []
            for op in AllReduceOp.allCases {
                var t = Tensor([r + 1, -r, 2 * r])
                try b.allReduce(&t, op, label: "f32", deadline: .seconds(30))
                out.append(t.toDoubles())
            }
            var d = Tensor([1.5 * Double(b.rank)])
            try b.allReduce(&d, .sum, label: "f64", deadline: .seconds(30))
            var i = Tensor([Int64(pow(10, Double(b.rank)))])
            try b.allReduce(&i, .sum, label: "i64", deadline: .seconds(30))
            #expect(d.dtype == .float64 && i.dtype == .int64)
            return out + [d.toDoubles(), i.toDoubles()]
        }
        for result in results {
            let v = try result.get()
            let sum: [Double] = [1 + 2 + 3, 0 - 1 - 2, 0 + 2 + 4]
            #expect(v[0] == sum)
            #expect(v[1] == [1, -2, 0])                          // min
            #expect(v[2] == [3, 0, 4])                           // max
            #expect(v[3] == [0 + 1.5 + 3])
            #expect(v[4] == [1 + 10 + 100])
        }
    }

    @Test func minAndMaxPropagateNaNLikeMerge() throws {
        let results = InProcessBackend.run(worldSize: 2) { b -> [Double] in
            var t = Tensor(b.rank == 1 ? [Double.nan, 5] : [1, 7])
            try b.allReduce(&t, .min, label: "nan", deadline: .seconds(30))
            return t.toDoubles()
        }
        for r in results {
            let v = try r.get()
            #expect(v[0].isNaN && v[1] == 5)
        }
    }

    @Test func raggedAllGatherInRankOrderIncludingEmptyRanks() throws {
        // Rank r contributes r rows of [10r + j, -j] (rank 0: none).
        let results = InProcessBackend.run(worldSize: 4) { b -> GatheredTensor in
            let rows = (0..<b.rank).flatMap { j in [Int64(10 * b.rank + j), Int64(-j)] }
            return try b.allGather(Tensor(rows, shape: [b.rank, 2]), label: "ragged", deadline: .seconds(30))
        }
        for r in results {
            let g = try r.get()
            #expect(g.rowCounts == [0, 1, 2, 3])
            #expect(g.concatenated.shape == [6, 2])
            #expect(g.concatenated.toArray(Int64.self) == [10, 0, 20, 0, 21, -1, 30, 0, 31, -1, 32, -2])
            #expect(g.parts[0].shape == [0, 2])
            #expect(g.parts[2].toArray(Int64.self) == [20, 0, 21, -1])
        }
    }

    @Test func barrierReleasesEveryRank() throws {
        let results = InProcessBackend.run(worldSize: 4) { b in try b.barrier(label: "start", deadline: .seconds(30)) }
        for r in results { try r.get() }
    }

    /// Each case: what rank 0 and rank 1 call at the same position.
    static let mismatches: [(String, @Sendable (InProcessBackend) throws -> Void)] = [
        ("operation", { b in var t = Tensor([1.0]); try b.allReduce(&t, b.rank == 0 ? .sum : .max, label: "x", deadline: .seconds(30)) }),
        ("dtype", { b in var t = b.rank == 0 ? Tensor([1.0]) : Tensor([Float(1)]); try b.allReduce(&t, .sum, label: "x", deadline: .seconds(30)) }),
        ("shape", { b in var t = Tensor.zeros([b.rank + 1], dtype: .float64); try b.allReduce(&t, .sum, label: "x", deadline: .seconds(30)) }),
        ("gather element shape", { b in _ = try b.allGather(.zeros([2, b.rank + 1]), label: "x", deadline: .seconds(30)) }),
        ("order", { b in
            var t = Tensor([1.0])
            if b.rank == 0 {
                try b.allReduce(&t, .sum, label: "first", deadline: .seconds(30))
                _ = try b.allGather(t, label: "second", deadline: .seconds(30))
            } else {
                _ = try b.allGather(t, label: "second", deadline: .seconds(30))
                try b.allReduce(&t, .sum, label: "first", deadline: .seconds(30))
            }
        }),
    ]

    @Test(arguments: 0..<5)
    func mismatchedCollectiveIsAnErrorOnEveryRank(_ index: Int) throws {
        let (what, body) = Self.mismatches[index]
        let results = InProcessBackend.run(worldSize: 3) { b in try body(b) }
        for (rank, r) in results.enumerated() {
            #expect(throws: BackendError.self, "\(what): rank \(rank)") { try r.get() }
            guard case .failure(let e) = r, case .mismatchedCollective(_, _, let errorRank, let detail) = e as? BackendError else {
                Issue.record("\(what): rank \(rank) got \(r)")
                continue
            }
            #expect(errorRank == rank)
            #expect(detail.contains("rank 0 called") && detail.contains("rank 1 called"), "\(detail)")
        }
    }

    @Test func backendStaysUsableAfterAMismatch() throws {
        let results = InProcessBackend.run(worldSize: 2) { b -> Double in
            var t = Tensor([Double(b.rank + 1)])
            #expect(throws: BackendError.self) { try b.allReduce(&t, b.rank == 0 ? .min : .max, label: "bad", deadline: .seconds(30)) }
            #expect(t.toDoubles() == [Double(b.rank + 1)], "a failed collective leaves the tensor unchanged")
            try b.allReduce(&t, .sum, label: "good", deadline: .seconds(30))
            return t.item()
        }
        for r in results { #expect(try r.get() == 3) }
    }

    @Test func unsupportedDTypeIsRejectedOnEveryRank() throws {
        let results = InProcessBackend.run(worldSize: 2) { b in
            var t = Tensor([Int32(1)])
            try b.allReduce(&t, .sum, label: "int32 state", deadline: .seconds(30))
        }
        for r in results {
            guard case .failure(let e) = r, case .invalidArgument(let op, let label, _, let expected) = e as? BackendError else {
                Issue.record("expected invalidArgument, got \(r)")
                continue
            }
            #expect(op == "allReduce(sum)" && label == "int32 state" && expected.contains("int32"))
        }
    }

    @Test func missingRankTimesOutOthersAndBreaksTheGroupForLateComers() throws {
        let start = ContinuousClock.now
        let results = InProcessBackend.run(worldSize: 3) { b -> Duration in
            var t = Tensor([1.0])
            if b.rank == 2 {
                // Arrives long after the others gave up: must fail at once, not wait.
                Thread.sleep(forTimeInterval: 1.0)
                let late = ContinuousClock.now
                #expect(throws: BackendError.self) { try b.allReduce(&t, .sum, label: "late", deadline: .seconds(60)) }
                return .now - late
            }
            try b.allReduce(&t, .sum, label: "metric 'm', state 's'", deadline: .seconds(0.3))
            return .zero
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        for rank in 0..<2 {
            guard case .failure(let e) = results[rank], case .timeout = e as? BackendError else {
                Issue.record("rank \(rank): expected a timeout, got \(results[rank])")
                continue
            }
            let text = "\(e)"
            #expect(text.contains("rank \(rank)") && text.contains("allReduce(sum)") && text.contains("state 's'")
                    && text.contains("rank(s) 2 did not reach collective #0"), "\(text)")
        }
        #expect(try results[2].get() < .seconds(1), "the late rank failed at once")
    }

    @Test func localBackendIsTheIdentityAndStillChecksArguments() throws {
        let b = LocalBackend()
        var t = Tensor([1.5, -2] as [Float])
        try b.allReduce(&t, .max, label: "x", deadline: .seconds(0))
        #expect(t.toArray(Float.self) == [1.5, -2])
        let g = try b.allGather(Tensor([Int64(4), 5], shape: [1, 2]), label: "x", deadline: .seconds(0))
        #expect(g.rowCounts == [1] && g.concatenated.toArray(Int64.self) == [4, 5])
        var u = Tensor([UInt8(1)])
        #expect(throws: BackendError.self) { try b.allReduce(&u, .sum, label: "x", deadline: .seconds(1)) }
        #expect(throws: BackendError.self) { _ = try b.allGather(.scalar(1), label: "x", deadline: .seconds(1)) }
    }

    @Test func syncTimeoutComesFromTheEnvironment() throws {
        #expect(try SyncTimeout.resolve(environment: [:]) == .seconds(300))
        #expect(try SyncTimeout.resolve(environment: ["VERNIER_SYNC_TIMEOUT": "2.5"]) == .seconds(2.5))
        for bad in ["abc", "0", "-3", "inf", ""] {
            #expect(throws: BackendError.self, "'\(bad)'") { try SyncTimeout.resolve(environment: ["VERNIER_SYNC_TIMEOUT": bad]) }
        }
    }
}
