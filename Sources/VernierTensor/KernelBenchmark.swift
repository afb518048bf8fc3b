import Foundation

/// Timings of the tensor kernels the metrics spend their time in (`vernier bench`).
public enum KernelBenchmark {
    /// One kernel's timing.
    public struct Result: Sendable, Equatable, CustomStringConvertible {
        /// What ran, e.g. `"add float32"`.
        public let name: String
        /// Elements in the kernel's input.
        public let elements: Int
        /// The best wall-clock time of the runs, in seconds (monotonic clock).
        public let seconds: Double
        /// `elements / seconds` (infinite if the run took no measurable time).
        public var elementsPerSecond: Double { Double(elements) / seconds }

        /// Creates a result.
        public init(name: String, elements: Int, seconds: Double) {
            self.name = name
            self.elements = elements
            self.seconds = seconds
        }

        /// `name  elements  ms  Melem/s`, aligned for a table.
        public var description: String {
            let ms = String(format: "%10.3f ms", seconds * 1e3)
            let rate = String(format: "%10.1f Melem/s", elementsPerSecond / 1e6)
            return "\(name.padding(toLength: 32, withPad: " ", startingAt: 0))\(String(elements).leftPadded(12))\(ms)\(rate)"
        }
    }

    /// Runs each kernel five times on deterministic pseudo-random data and
    /// reports the best time.
    ///
    /// `elements` (at least 10, rounded down to a multiple of 10) sizes the
    /// elementwise, reduction, scan, histogram, cast and `.npy` kernels; the
    /// sort kernels (sort, argsort, topk) use `min(elements, 1_000_000)`.
    /// Reductions along an axis run on shape `[elements / 10, 10]`.
    public static func run(elements: Int) -> [Result] {
        let n = Swift.max(10, elements / 10 * 10)
        let sortCount = Swift.min(n, 1_000_000)
        let a = uniformFloats(n, seed: 1), b = uniformFloats(n, seed: 2)
        let matrix = valid("reshape") { try a.reshaped([n / 10, 10]) }
        let sortInput = valid("slice") { try a.slice(end: sortCount) }
        let labels = (uniformFloats(n, seed: 3) * 1000).cast(.int64)
        let file = a.npyData()
        var results: [Result] = []
        func measure(_ name: String, _ count: Int, _ body: () throws -> Tensor) {
            var best = Double.infinity
            for _ in 0..<5 {
                let start = ContinuousClock.now
                let output = valid(name, body)
                let elapsed = ContinuousClock.now - start
                blackHole(output)
                let c = elapsed.components
                best = Swift.min(best, Double(c.seconds) + Double(c.attoseconds) * 1e-18)
            }
            results.append(Result(name: name, elements: count, seconds: best))
        }
        measure("add float32", n) { a + b }
        measure("mul scalar float32", n) { a * 2.5 }
        measure("compare gt float32", n) { a.gt(0.5) }
        measure("sum float32", n) { a.sum() }
        measure("sum axis 0 [n/10, 10]", n) { try matrix.sum(axis: 0) }
        measure("sum axis 1 [n/10, 10]", n) { try matrix.sum(axis: 1) }
        measure("argmax axis 1 [n/10, 10]", n) { try matrix.argmax(axis: 1) }
        measure("sort float32", sortCount) { try sortInput.sorted() }
        measure("argsort float32", sortCount) { try sortInput.argsort() }
        measure("topk k=100 float32", sortCount) { try sortInput.topk(Swift.min(100, sortCount)).values }
        measure("cumsum float32", n) { try a.cumsum(axis: 0) }
        measure("bincount int64 (1000 bins)", n) { try labels.bincount() }
        let mask = a.gt(0.5), other = b.gt(0.5)
        measure("min float32", n) { try a.reduce(.min) }
        measure("aminmax int64", n) { try labels.aminmax().max }
        measure("sum bool", n) { mask.sum() }
        measure("count_nonzero float32", n) { Tensor.scalar(Int64(a.countNonzero())) }
        measure("logical_and bool", n) { mask && other }
        measure("clamp float32", n) { a.clamp(min: 0.25, max: 0.75) }
        measure("dot float32", n) { try a.matmul(b) }
        measure("cast float32->float64", n) { a.cast(.float64) }
        measure("cast int64->float32", n) { labels.cast(.float32) }
        measure("cast int64->bool", n) { labels.cast(.bool) }
        measure("cast bool->float32", n) { mask.cast(.float32) }
        measure("npy read float32", n) { try Tensor(npyData: file) }
        return results
    }

    /// Runs a kernel whose inputs were built to be valid; an error is a bug in the benchmark.
    private static func valid<T>(_ name: String, _ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            preconditionFailure("KernelBenchmark: \(name) failed on inputs built to be valid: \(error)")
        }
    }

    /// Keeps a kernel's output observable so the optimiser cannot drop the kernel.
    @inline(never) @_optimize(none)
    private static func blackHole(_ value: Tensor) {}

    /// `n` float32 values in [0, 1) from a 64-bit linear congruential generator.
    static func uniformFloats(_ n: Int, seed: UInt64) -> Tensor {
        var t = Tensor(uninitializedShape: [n], dtype: .float32)
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        t.withUnsafeMutableBuffer(as: Float.self) { p in
            for i in 0..<n {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                p[i] = Float(state >> 40) * 0x1p-24
            }
        }
        return t
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) + self }
}
