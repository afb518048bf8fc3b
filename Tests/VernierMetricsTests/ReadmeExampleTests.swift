import Foundation
import Testing
import Vernier
import VernierTestSupport

/// The README's Swift example, compiled here verbatim (between the markers)
/// and run; a test checks that the README still shows exactly this code.
func readmeExample() throws -> (MetricValue, MetricValue) {
    // README-BEGIN
let accuracy = try MulticlassAccuracy(numClasses: 3, average: .macro)
try accuracy.update(
    preds: Tensor([0.1, 0.7, 0.2, 0.8, 0.1, 0.1] as [Float], shape: [2, 3]),
    target: Tensor([1, 2] as [Int64])
)
let mse = try MeanSquaredError()
try mse.update(preds: Tensor([2.5, 0.0, 2.0] as [Float]), target: Tensor([3.0, -0.5, 2.0] as [Float]))
print(try accuracy.compute().summary, try mse.compute().summary)   // 0.333333 0.166667
    // README-END
    return (try accuracy.compute(), try mse.compute())
}

@Suite("README")
struct ReadmeExampleTests {
    @Test func exampleIsTheCompiledCode() throws {
        let readme = try String(contentsOf: SharedPaths.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        guard let b = source.range(of: "// README-BEGIN\n"), let e = source.range(of: "    // README-END") else {
            Issue.record("markers missing")
            return
        }
        let code = String(source[b.upperBound..<e.lowerBound])
        #expect(readme.contains("```swift\nimport Vernier\n\n" + code + "```"), "README's first Swift block differs from the compiled example")
    }

    @Test func exampleGivesTheValuesItPrints() throws {
        let (acc, mse) = try readmeExample()
        // Sample 0 is class 1 (correct), sample 1 class 2 predicted as 0. Per-class
        // recall: class 0 (predicted, never a target) 0, class 1 1, class 2 0; all
        // three take part in the macro mean because tp + fp + fn > 0 for each.
        #expect(abs(acc.doubleValue! - 1.0 / 3) < 1e-7)
        #expect(abs(mse.doubleValue! - (0.25 + 0.25 + 0) / 3) < 1e-7)
    }
}
