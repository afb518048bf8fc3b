import Dispatch
import Foundation

/// How kernels split large inputs across cores.
public enum Parallelism {
    /// Elements below which a kernel stays on one thread.
    public static let minimumElementsPerTask = 1 << 18
    /// The same threshold for kernels over bytes (bool masks): waking a
    /// second thread costs more than it saves on less than a few MiB.
    public static let minimumBytesPerTask = 1 << 22
    /// The number of worker threads kernels use (the active processor count,
    /// or `VERNIER_NUM_THREADS` when set).
    public static let threadCount: Int = {
        if let s = ProcessInfo.processInfo.environment["VERNIER_NUM_THREADS"], let n = Int(s), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Splits `0..<n` into contiguous chunks and runs `body` on each, in
    /// parallel when `n` is large. Chunks are in order: chunk `i` covers
    /// `ranges[i]`, so results written per chunk can be combined
    /// deterministically.
    @inlinable
    public static func forEachChunk(_ n: Int, minimumPerTask: Int = minimumElementsPerTask, _ body: (Int, Range<Int>) -> Void) {
        let tasks = chunkCount(n, minimumPerTask: minimumPerTask)
        if tasks <= 1 {
            body(0, 0..<n)
            return
        }
        let size = (n + tasks - 1) / tasks
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: tasks) { t in
                let lo = t * size
                let hi = Swift.min(n, lo + size)
                if lo < hi { box.value(t, lo..<hi) }
            }
        }
    }

    /// The number of chunks ``forEachChunk(_:minimumPerTask:_:)`` uses for `n` elements.
    @inlinable
    public static func chunkCount(_ n: Int, minimumPerTask: Int = minimumElementsPerTask) -> Int {
        Swift.max(1, Swift.min(threadCount, n / Swift.max(1, minimumPerTask)))
    }
}

/// A fixed-size buffer of per-chunk results written from parallel tasks,
/// each task to its own slot (raw storage, so no exclusivity check applies).
@usableFromInline
final class ChunkResults<T>: @unchecked Sendable {
    @usableFromInline let slots: UnsafeMutablePointer<T>
    @usableFromInline let count: Int
    @usableFromInline init(repeating v: T, count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: v, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    @usableFromInline var values: [T] { Array(UnsafeBufferPointer(start: slots, count: count)) }
}

/// Carries a value the compiler cannot prove Sendable into parallel chunks
/// whose ranges are disjoint (each task writes only its own range).
@usableFromInline
struct UncheckedSendable<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

extension Parallelism {
    /// Runs `body` on contiguous chunks of `0..<n` (in parallel when `n` is
    /// large) and returns the per-chunk results in chunk order, so a caller
    /// can combine them deterministically.
    public static func mapChunks<R>(_ n: Int, minimumPerTask: Int = minimumElementsPerTask, initial: R, _ body: (Range<Int>) -> R) -> [R] {
        let results = ChunkResults(repeating: initial, count: chunkCount(n, minimumPerTask: minimumPerTask))
        forEachChunk(n, minimumPerTask: minimumPerTask) { t, r in results.slots[t] = body(r) }
        return results.values
    }
}
