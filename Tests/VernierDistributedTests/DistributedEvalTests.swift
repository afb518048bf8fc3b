import Foundation
import Testing
import VernierTensor

/// `mpirun -np K vernier eval --distributed mpi` against the single-process
/// run on the same files: rank 0 must print the same results.
@Suite("Distributed eval", .serialized, .enabled(if: MPIJob.mpirun != nil, "mpirun is not on the PATH (Debian: apt-get install openmpi-bin)"))
struct DistributedEvalTests {
    /// 1003 rows (not divisible by 2, 3, 4 or 6) of binary, multiclass and regression inputs.
    static func writeInputs(_ dir: URL) throws {
        var rng = SplitMix64(seed: 7)
        let n = 1003
        let probs = Tensor.uniform([n], using: &rng)
        let target = try Tensor.compare(.lt, Tensor.uniform([n], using: &rng), probs).cast(.int64)
        try probs.npyData().write(to: dir.appendingPathComponent("p.npy"))
        try target.npyData().write(to: dir.appendingPathComponent("t.npy"))
        try Tensor.normal([n, 4], using: &rng).npyData().write(to: dir.appendingPathComponent("mcp.npy"))
        try Tensor.randint([n], high: 4, using: &rng).npyData().write(to: dir.appendingPathComponent("mct.npy"))
    }

    static let specs = ["binary_accuracy", "mean_squared_error", "cat", "max"]

    func results(_ output: String) throws -> [String: Any] {
        let line = output.split(separator: "\n").first { $0.hasPrefix("{") }.map(String.init) ?? ""
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return obj?["results"] as? [String: Any] ?? [:]
    }

    @Test(arguments: [4, 3, 6])
    func ranksPrintTheSingleProcessResults(ranks: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-deval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeInputs(dir)
        let vernier = try MPIJob.product("vernier")
        func path(_ f: String) -> String { dir.appendingPathComponent(f).path }
        let args = Self.specs.flatMap { ["--metric", $0] } + ["--preds", path("p.npy"), "--target", path("t.npy"),
                    "--input", "value=\(path("p.npy"))", "--batch-size", "50", "--format", "json"]
        let mcArgs = ["--metric", "multiclass_accuracy:num_classes=4,average=macro", "--metric", "multiclass_accuracy:num_classes=4,top_k=2",
                      "--preds", path("mcp.npy"), "--target", path("mct.npy"), "--batch-size", "64", "--format", "json"]
        for a in [args, mcArgs] {
            let single = Process()
            single.executableURL = vernier
            single.arguments = ["eval"] + a
            let pipe = Pipe()
            single.standardOutput = pipe
            try single.run()
            let expectedText = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            single.waitUntilExit()
            #expect(single.terminationStatus == 0)
            let job = try MPIJob.run(["eval", "--distributed", "mpi"] + a, ranks: ranks, program: vernier)
            #expect(job.status == 0, "\(job)")
            let expected = try results(expectedText), got = try results(job.stdout)
            #expect(!expected.isEmpty)
            #expect(job.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 1, "only rank 0 prints: \(job)")
            for (k, v) in expected {
                // Integer states reduce exactly; float sums may differ in the last bits.
                if let x = v as? Double, let y = got[k] as? Double {
                    #expect(abs(x - y) <= 1e-6 * max(1, abs(x)), "\(k): \(y) vs \(x)")
                } else if let x = v as? [Double], let y = got[k] as? [Double] {
                    #expect(x == y, "\(k)")
                } else {
                    Issue.record("\(k): missing or of another kind in \(job.stdout)")
                }
            }
        }
    }

    @Test func mismatchedRowCountsAreAClearError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-deval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeInputs(dir)
        try Tensor([0, 1, 1] as [Int64]).npyData().write(to: dir.appendingPathComponent("short.npy"))
        let job = try MPIJob.run(["eval", "--distributed", "mpi", "--metric", "binary_accuracy",
                                  "--preds", dir.appendingPathComponent("p.npy").path, "--target", dir.appendingPathComponent("short.npy").path],
                                 ranks: 2, limit: .seconds(60), program: try MPIJob.product("vernier"))
        #expect(job.status != 0)
        #expect(job.stderr.contains("different row counts"), "\(job)")
    }
}
