import Testing
@testable import VernierTensor

@Suite struct KernelBenchmarkTests {
    @Test func reportsEveryKernel() {
        let results = KernelBenchmark.run(elements: 2000)
        #expect(results.map(\.name) == [
            "add float32", "mul scalar float32", "compare gt float32", "sum float32",
            "sum axis 0 [n/10, 10]", "sum axis 1 [n/10, 10]", "argmax axis 1 [n/10, 10]",
            "sort float32", "argsort float32", "topk k=100 float32", "cumsum float32",
            "bincount int64 (1000 bins)", "min float32", "aminmax int64", "sum bool",
            "count_nonzero float32", "logical_and bool", "clamp float32", "dot float32",
            "cast float32->float64", "cast int64->float32", "cast int64->bool", "cast bool->float32",
            "npy read float32",
        ])
        #expect(results.allSatisfy { $0.elements == 2000 && $0.seconds > 0 && $0.seconds.isFinite })
        #expect(results.allSatisfy { $0.elementsPerSecond == 2000 / $0.seconds })
        #expect(KernelBenchmark.run(elements: 3).first?.elements == 10)
    }
}
