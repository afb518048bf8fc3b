import Testing
@testable import VernierTensor

@Suite struct BufferPoolTests {
    @Test func keepsOnlyLargeAllocationsAndHandsOutCloseFits() {
        let pool = BufferPool()
        let small = UnsafeMutableRawPointer.allocate(byteCount: 1024, alignment: 64)
        #expect(!pool.give(small, capacity: 1024))
        small.deallocate()
        #expect(pool.take(4 << 20) == nil)
        let big = UnsafeMutableRawPointer.allocate(byteCount: 4 << 20, alignment: 64)
        #expect(pool.give(big, capacity: 4 << 20))
        // 1 MiB would waste more than half of the 4 MiB allocation; 3 MiB fits.
        #expect(pool.take(1 << 20) == nil)
        let taken = pool.take(3 << 20)
        #expect(taken?.0 == big && taken?.1 == 4 << 20)
        #expect(pool.take(3 << 20) == nil)
        big.deallocate()
    }

    @Test func dropsOldestBeyondTheEntryLimit() {
        let pool = BufferPool()
        let size = 1 << 20
        let pointers = (0...BufferPool.maximumEntries).map { _ in UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64) }
        for p in pointers { #expect(pool.give(p, capacity: size)) }
        // The first one was freed to make room; the rest come back newest-last.
        var back: [UnsafeMutableRawPointer] = []
        while let (p, _) = pool.take(size) { back.append(p) }
        #expect(Set(back) == Set(pointers.dropFirst()))
        for p in back { p.deallocate() }
    }

    @Test func recycledMemoryIsStillZeroedAndIndependent() {
        let n = 600_000
        do {
            let filled = Tensor.full([n], 7)
            #expect(filled.count == n)
        }
        let zeros = Tensor.zeros([n])
        #expect(zeros.withUnsafeBuffer(as: Float.self) { $0.allSatisfy { $0 == 0 } })
        let a = Tensor.full([n], 1), b = Tensor.full([n], 2)
        #expect((a + b).withUnsafeBuffer(as: Float.self) { $0.allSatisfy { $0 == 3 } })
        #expect(a.withUnsafeBuffer(as: Float.self) { $0.allSatisfy { $0 == 1 } })
    }
}
