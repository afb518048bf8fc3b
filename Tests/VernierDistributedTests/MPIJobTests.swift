import Foundation
import Testing

/// One finished `mpirun` job.
struct MPIJob: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    let elapsed: Duration

    var description: String { "exit status \(status) after \(elapsed)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }

    /// `mpirun` on the PATH, or nil.
    static let mpirun: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// The self-test binary: `VERNIER_MPI_SELFTEST`, or the one SwiftPM built
    /// next to this test binary (`swift build --build-tests` and `swift test`
    /// build every product).
    static func selftest() throws -> URL {
        if let p = ProcessInfo.processInfo.environment["VERNIER_MPI_SELFTEST"] { return URL(fileURLWithPath: p) }
        return try product("vernier-mpi-selftest")
    }

    /// An executable product SwiftPM built next to this test binary.
    static func product(_ name: String) throws -> URL {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var dir = testBinary.deletingLastPathComponent()
        // On macOS the runner sits inside an .xctest bundle: climb out of it.
        while dir.path.contains(".xctest") { dir = dir.deletingLastPathComponent() }
        let candidate = dir.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw SetupError(description: "\(name) is not at \(candidate.path): build it (swift build --product \(name))")
        }
        return candidate
    }

    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs the self-test on `ranks` ranks; kills the job after `limit` (a
    /// test must never hang, whatever the code under test does).
    static func run(_ arguments: [String], ranks: Int = 4, limit: Duration = .seconds(120), program: URL? = nil) throws -> MPIJob {
        let process = Process()
        guard let mpirun else { throw SetupError(description: "mpirun is not on the PATH") }
        process.executableURL = mpirun
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), try (program ?? selftest()).path] + arguments
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        try Data().write(to: out)
        try Data().write(to: err)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let start = ContinuousClock.now
        try process.run()
        let (s, a) = limit.components
        if finished.wait(timeout: .now() + Double(s) + Double(a) / 1e18) == .timedOut {
            process.terminate()
            finished.wait()
            Issue.record("mpirun \(arguments) still running after \(limit): killed")
        }
        let elapsed = ContinuousClock.now - start
        return MPIJob(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8), elapsed: elapsed)
    }
}

/// The MPI backend under a real `mpirun` with 4 ranks (oversubscribed on
/// small machines). Serialized: each job already runs 4 processes.
@Suite("MPI jobs", .serialized, .enabled(if: MPIJob.mpirun != nil, "mpirun is not on the PATH (Debian: apt-get install openmpi-bin); the MPI jobs cannot run"))
struct MPIJobTests {
    @Test func syncOfEveryReductionMatchesMergeOnFourRanks() throws {
        let job = try MPIJob.run(["sync"])
        #expect(job.status == 0, "\(job)")
        for r in 0..<4 { #expect(job.stdout.contains("rank \(r)/4: sync passed (70 checks)"), "\(job)") }
    }

    @Test func mismatchedOptionsAreAnErrorOnEveryRankNotAHang() throws {
        let job = try MPIJob.run(["mismatch", "--timeout", "30"])
        #expect(job.status == 0, "\(job)")
        for r in 0..<4 { #expect(job.stdout.contains("rank \(r)/4: mismatch detected on every rank, backend still usable"), "\(job)") }
        #expect(job.elapsed < .seconds(30), "detected before the deadline, not by it")
    }

    @Test func hungRankMakesTheOthersTimeOutAndAbortTheJob() throws {
        let job = try MPIJob.run(["hang", "--timeout", "2"], limit: .seconds(60))
        #expect(job.status == 124, "\(job)")
        #expect(job.stderr.contains("state layout check timed out after 2 s"), "\(job)")
        #expect(job.stderr.contains("aborting the MPI job (exit code 124)"), "\(job)")
        #expect(job.elapsed >= .seconds(2), "the deadline, not something else, ended the job")
        // 2 s deadline plus MPI start-up (~0.5 s idle, several seconds on a loaded 2-core machine) and teardown.
        #expect(job.elapsed < .seconds(25), "\(job)")
    }

    @Test func withThrowErrorTheOthersGetTheTimeoutAndABrokenBackend() throws {
        let job = try MPIJob.run(["hang-throw", "--timeout", "2"], limit: .seconds(60))
        #expect(job.status == 2, "\(job)")
        // mpirun ends the job when the first rank exits, so later ranks may
        // be killed before they print: at least one must have reported.
        let reported = (0..<3).filter { job.stderr.contains("rank \($0): backend broken as expected") }
        #expect(!reported.isEmpty, "\(job)")
        for r in reported {
            #expect(job.stderr.contains("vernier: rank \(r): allGather of metric 'sum', state layout check timed out after 2 s"), "\(job)")
        }
        #expect(job.elapsed >= .seconds(2) && job.elapsed < .seconds(25), "\(job)")
    }

    @Test func crashedRankEndsTheJobWithAClearErrorBeforeTheDeadline() throws {
        let job = try MPIJob.run(["exit", "--timeout", "60"], limit: .seconds(90))
        #expect(job.status == 3, "\(job)")
        let text = job.stdout + job.stderr
        #expect(text.contains("exited with non-zero status") && text.contains("Exit code:    3"), "\(job)")
        // mpirun tears the job down in about a second: far below the 60 s sync deadline.
        #expect(job.elapsed < .seconds(30), "\(job)")
    }
}
