import Foundation
import Testing
import Vernier
import VernierTestSupport

/// Runs the real `vernier` executable that SwiftPM built next to the tests.
struct CLI {
    let status: Int32
    let stdout: String
    let stderr: String

    static func executable() throws -> URL {
        var dir = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
        while dir.path.contains(".xctest") { dir = dir.deletingLastPathComponent() }
        let url = dir.appendingPathComponent("vernier")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return url
    }

    static func run(_ args: [String]) throws -> CLI {
        let p = Process()
        p.executableURL = try executable()
        p.arguments = args
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        return CLI(status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
}

/// Collects what a running process writes to a pipe, for tests that wait for a line.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] h in
            let chunk = h.availableData
            self?.lock.withLock { self?.data.append(chunk) }
        }
    }

    /// Everything read so far.
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits up to `seconds` for `fragment` to appear; whether it did.
    func wait(for fragment: String, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(fragment) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return text.contains(fragment)
    }
}

@Suite("vernier command line")
struct CLITests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vernier-clitest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Tensor([0.9, 0.2, 0.7, 0.4, 0.6, 0.1] as [Float]).npyData().write(to: dir.appendingPathComponent("p.npy"))
        try Tensor([1, 0, 0, 0, 1, 1] as [Int64]).npyData().write(to: dir.appendingPathComponent("t.npy"))
        try "preds,target\n0.9,1\n0.2,0\n0.7,0\n0.4,0\n0.6,1\n0.1,1\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    }

    func path(_ f: String) -> String { dir.appendingPathComponent(f).path }

    @Test func evalJSONHasResultsTimingAndSamples() throws {
        // preds > 0.5 gives 1,0,1,0,1,0 against 1,0,0,0,1,1: 4 of 6 correct.
        let r = try CLI.run(["eval", "--metric", "binary_accuracy", "--metric", "mean_squared_error",
                             "--preds", path("p.npy"), "--target", path("t.npy"), "--batch-size", "4", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let results = r.json["results"] as? [String: Any]
        #expect(abs((results?["binary_accuracy"] as? Double ?? -1) - 4.0 / 6) < 1e-6)
        // squared errors: .01 .04 .49 .16 .16 .81 -> 1.67 / 6
        #expect(abs((results?["mean_squared_error"] as? Double ?? -1) - 1.67 / 6) < 1e-6)
        #expect(r.json["samples"] as? Int == 6)
        let timing = r.json["timing"] as? [String: Any]
        #expect(timing?["load_s"] != nil && timing?["update_s"] != nil && timing?["compute_s"] != nil)
    }

    @Test func csvColumnsAndSpecOptions() throws {
        // threshold 0.3: 1,0,1,1,1,0 against 1,0,0,0,1,1: 3 of 6 correct.
        let r = try CLI.run(["eval", "--metric", "binary_accuracy:threshold=0.3", "--preds", path("d.csv") + ":preds",
                             "--target", path("d.csv") + ":target", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(abs(((r.json["results"] as? [String: Any])?["binary_accuracy:threshold=0.3"] as? Double ?? -1) - 0.5) < 1e-6)
    }

    @Test func badInputsGiveClearErrors() throws {
        let unknown = try CLI.run(["eval", "--metric", "binary_acuracy", "--preds", path("p.npy"), "--target", path("t.npy")])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown metric 'binary_acuracy'"))
        let option = try CLI.run(["eval", "--metric", "binary_accuracy:treshold=0.3", "--preds", path("p.npy"), "--target", path("t.npy")])
        #expect(option.status != 0 && option.stderr.contains("treshold") && option.stderr.contains("threshold"))
        let missing = try CLI.run(["eval", "--metric", "binary_accuracy", "--preds", path("nope.npy"), "--target", path("t.npy")])
        #expect(missing.status != 0 && missing.stderr.contains("nope.npy"))
    }

    @Test func computeGroupsAndBootstrap() throws {
        let r = try CLI.run(["eval", "--metric", "binary_accuracy", "--metric", "binary_accuracy:threshold=0.5,zero_division=1",
                             "--preds", path("p.npy"), "--target", path("t.npy"), "--bootstrap", "30", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.json["compute_groups"] as? [[String]])?.first?.count == 2)
        let boot = (r.json["bootstrap"] as? [String: Any])?["binary_accuracy"] as? [String: Any]
        let q = boot?["quantile"] as? [Double] ?? []
        #expect(q.count == 2 && q[0] <= q[1] && q[0] >= 0 && q[1] <= 1)
    }

    @Test func htmlReportHasCurvesAndMatrices() throws {
        let report = path("report.html")
        let r = try CLI.run(["eval", "--metric", "binary_roc", "--metric", "binary_confusion_matrix", "--metric", "binary_accuracy",
                             "--preds", path("p.npy"), "--target", path("t.npy"), "--report", report])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.components(separatedBy: "<polyline").count - 1 == 1)      // one ROC curve
        #expect(html.components(separatedBy: "<td style").count - 1 == 4)      // a 2x2 confusion matrix
        #expect(html.contains("binary_accuracy"))
    }

    @Test func examplePluginsGiveHandComputedValues() throws {
        // argmax of the four rows: 1, 0, 2, 0; targets 1, 2, 2, 1.
        try Tensor([0.1, 0.7, 0.2, 0.8, 0.1, 0.1, 0.2, 0.3, 0.5, 0.6, 0.3, 0.1] as [Float], shape: [4, 3]).npyData().write(to: dir.appendingPathComponent("s.npy"))
        try Tensor([1, 2, 2, 1] as [Int64]).npyData().write(to: dir.appendingPathComponent("l.npy"))
        let examples = SharedPaths.repositoryRoot.appendingPathComponent("Plugins/examples").path
        let costs = "cost_weighted_error:num_classes=3,costs=[0,1,5,1,0,1,10,1,0]"
        let weighted = "weighted_topk_hit_rate:num_classes=3,top_k=2,class_weights=[1,1,5]"
        let r = try CLI.run(["eval", "--plugins", examples, "--metric", costs, "--metric", weighted,
                             "--preds", path("s.npy"), "--target", path("l.npy"), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let results = r.json["results"] as? [String: Any]
        // costs C[1][1] + C[2][0] + C[2][2] + C[1][0] = 0 + 10 + 0 + 1 over 4 samples.
        #expect(abs((results?[costs] as? Double ?? -1) - 11.0 / 4) < 1e-9)
        // top-2 sets {1,2} {0,1} {2,1} {0,1}: hits for samples 0, 2, 3 with weights 1, 5, 1 of 1+5+5+1.
        #expect(abs((results?[weighted] as? Double ?? -1) - 7.0 / 12) < 1e-9)
    }

    @Test func pluginsCheckListsBadFiles() throws {
        let plugins = dir.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try "return metric.define { name = 'ok_metric', states = function() return { { 'n', tensor.zeros({}), 'sum' } } end, update = function() end, compute = function() return 1 end }"
            .write(to: plugins.appendingPathComponent("ok.lua"), atomically: true, encoding: .utf8)
        try "return metric.define { name = 'broken'".write(to: plugins.appendingPathComponent("broken.lua"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["plugins", "check", plugins.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL") && r.stdout.contains("broken.lua:") && !r.stdout.contains("ok.lua"), "\(r.stdout)")
        #expect(r.stdout.contains("1 loaded, 1 failed"))
        let all = try CLI.run(["plugins", "check"])
        #expect(all.status == 0, "\(all.stdout)")
    }

    @Test func pluginsCommandsTreatLibFilesAsModules() throws {
        let plugins = dir.appendingPathComponent("with-lib")
        try FileManager.default.createDirectory(at: plugins.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try """
            local helper = metric.import("helper")
            return metric.define { name = 'imports_helper', states = { { 'n', tensor.zeros({}), 'sum' } },
              update = function() end, compute = function() return helper.one end }
            """.write(to: plugins.appendingPathComponent("imp.lua"), atomically: true, encoding: .utf8)
        try "return { one = 1 }".write(to: plugins.appendingPathComponent("lib/helper.lua"), atomically: true, encoding: .utf8)
        let list = try CLI.run(["plugins", "list", plugins.path])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("imports_helper") && !list.stdout.contains("helper.lua"), "\(list.stdout)")
        #expect(list.stdout.contains("1 plugins"))
        try "return { one = = 1 }".write(to: plugins.appendingPathComponent("lib/helper.lua"), atomically: true, encoding: .utf8)
        let check = try CLI.run(["plugins", "check", plugins.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("FAIL ") && check.stdout.contains("imp.lua") && check.stdout.contains("lib/helper.lua:1: unexpected symbol"), "\(check.stdout)")
        #expect(check.stdout.contains("0 loaded, 1 failed"))
    }

    @Test func pluginsCheckWatchPrintsEachChange() throws {
        let plugins = dir.appendingPathComponent("watched")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        func plugin(_ name: String, value: Int) -> String {
            "return metric.define { name = '\(name)', states = { { 'n', tensor.zeros({}), 'sum' } }, update = function() end, compute = function() return \(value) end }"
        }
        try plugin("first", value: 1).write(to: plugins.appendingPathComponent("first.lua"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = try CLI.executable()
        p.arguments = ["plugins", "check", plugins.path, "--watch", "--interval", "0.05"]
        let pipe = Pipe()
        p.standardOutput = pipe
        let output = OutputCollector(pipe.fileHandleForReading)
        try p.run()
        defer { if p.isRunning { p.terminate() }; p.waitUntilExit() }
        #expect(output.wait(for: "watching every 0.05 s"), "\(output.text)")
        #expect(output.text.contains("1 loaded, 0 failed in \(plugins.path)"), "\(output.text)")
        try plugin("second", value: 2).write(to: plugins.appendingPathComponent("second.lua"), atomically: true, encoding: .utf8)
        #expect(output.wait(for: "added second (\(plugins.appendingPathComponent("second.lua").path))"), "\(output.text)")
        try "return metric.define { name = 'first'".write(to: plugins.appendingPathComponent("first.lua"), atomically: true, encoding: .utf8)
        #expect(output.wait(for: "first.lua:1:"), "\(output.text)")
        #expect(output.wait(for: "2 loaded, 1 failed"), "\(output.text)")
        try FileManager.default.removeItem(at: plugins.appendingPathComponent("second.lua"))
        #expect(output.wait(for: "removed second"), "\(output.text)")
        #expect(p.isRunning)
    }

    @Test func pluginsCheckRejectsABadInterval() throws {
        let r = try CLI.run(["plugins", "check", "--watch", "--interval", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--interval must be a positive number of seconds, got 0.0"), "\(r.stderr)")
    }

    @Test func verifyEndsWithTheCountLine() throws {
        let r = try CLI.run(["verify", SharedPaths.fixtures.appendingPathComponent("aggregation.json").path])
        #expect(r.status == 0, "\(r.stderr)")
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("65 passed, 0 failed"), "\(last)")
    }

    @Test func verifyFailsOnAWrongCase() throws {
        let bad = """
        {"source": "test", "cases": [{"id": "sum/wrong", "metric": "sum", "args": {},
          "batches": [{"value": {"dtype": "float32", "shape": [2], "data": [1, 2]}}],
          "expected": {"dtype": "float32", "shape": [], "data": [4]}, "atol": 1e-6, "rtol": 1e-5}]}
        """
        try bad.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["verify", path("bad.json")])
        #expect(r.status == 1)
        #expect(r.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func metricsAndDemo() throws {
        let m = try CLI.run(["metrics", "--format", "json"])
        let names = ((try JSONSerialization.jsonObject(with: Data(m.stdout.utf8))) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains("multiclass_accuracy") && names.contains("mean_squared_error"))
        let d = try CLI.run(["demo", "--samples", "2000"])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(d.stdout.contains("multiclass_accuracy:num_classes=5,average=macro") && d.stdout.contains("metrics evaluated"))
    }

    @Test func pluginBuiltOnBuiltins() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Plugins/examples").path
        // Predicted positives: samples 0 and 3 -> tp 1, fp 1, fn 2: precision 1/2, recall 1/3.
        try Tensor([0.9, 0.3, 0.2, 0.6] as [Float]).npyData().write(to: dir.appendingPathComponent("gp.npy"))
        try Tensor([1, 1, 1, 0] as [Int64]).npyData().write(to: dir.appendingPathComponent("gt.npy"))
        let r = try CLI.run(["eval", "--plugins", examples, "--metric", "precision_recall_gap",
                             "--preds", path("gp.npy"), "--target", path("gt.npy"), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let gap = (r.json["results"] as? [String: Any])?["precision_recall_gap"] as? Double
        #expect(gap.map { abs($0 - (1.0 / 2 - 1.0 / 3)) < 1e-6 } == true, "\(r.stdout)")
    }
}
