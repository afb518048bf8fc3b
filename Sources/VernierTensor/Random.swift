import Foundation

/// A small, fast, seedable generator (SplitMix64): the same seed gives the
/// same sequence on every platform, which synthetic data, cross-checks and
/// bootstrap resampling rely on.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Double {
        var u = nextUnit()
        while u == 0 { u = nextUnit() }
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * nextUnit())
    }
}

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32, using rng: inout SplitMix64) -> Tensor {
        let n = shape.reduce(1, *)
        var v = [Double](repeating: 0, count: n)
        for i in 0..<n { v[i] = low + (high - low) * rng.nextUnit() }
        return Tensor(v, shape: shape).cast(dtype)
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32, using rng: inout SplitMix64) -> Tensor {
        let n = shape.reduce(1, *)
        var v = [Double](repeating: 0, count: n)
        for i in 0..<n { v[i] = mean + std * rng.nextNormal() }
        return Tensor(v, shape: shape).cast(dtype)
    }

    /// Integers uniform in [low, high) as int64.
    ///
    /// - Precondition: `low < high`.
    public static func randint(_ shape: [Int], low: Int64 = 0, high: Int64, using rng: inout SplitMix64) -> Tensor {
        precondition(low < high, "randint: low must be below high")
        let n = shape.reduce(1, *)
        let span = UInt64(high - low)
        var v = [Int64](repeating: 0, count: n)
        for i in 0..<n { v[i] = low + Int64(rng.next() % span) }
        return Tensor(v, shape: shape)
    }
}
