import Atomics
import Testing

@testable import SluiceEngine

@Suite struct EngineThreadPoolTests {
    @Test("every chunk of a region runs exactly once, on whichever thread claims it")
    func eachChunkRunsOnce() {
        let pool: EngineThreadPool = EngineThreadPool(threads: 3)
        for chunks: Int in [1, 2, 7, 64, 1000] {
            let runs: UnsafeMutableBufferPointer<ManagedAtomic<Int>> = .allocate(capacity: chunks)
            for i: Int in 0..<chunks { (runs.baseAddress! + i).initialize(to: ManagedAtomic<Int>(0)) }
            pool.run(chunks: chunks) { (thread: Int, chunk: Int) in
                #expect((0..<3).contains(thread))
                runs[chunk].wrappingIncrement(ordering: .relaxed)
            }
            #expect(runs.allSatisfy { $0.load(ordering: .relaxed) == 1 }, "\(chunks) chunks")
            runs.deallocate()
        }
    }

    @Test("tapered chunks cover the rows once, in order and aligned, and shrink towards the end")
    func taperedChunksCoverAndShrink() {
        for (count, parts): (Int, Int) in [(576, 8), (1536, 8), (49152, 8), (192, 8), (1000, 5), (16, 8), (17, 3)] {
            let granularity: Int = 16
            let ranges: [Range<Int>] = (0..<parts).map {
                EngineThreadPool.taperedChunk(count, part: $0, of: parts, granularity: granularity)
            }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count, "\(count) rows in \(parts)")
            for (a, b): (Range<Int>, Range<Int>) in zip(ranges, ranges.dropFirst()) {
                #expect(a.upperBound == b.lowerBound, "\(count) rows in \(parts): \(a) then \(b)")
            }
            for range: Range<Int> in ranges.dropLast() { #expect(range.upperBound % granularity == 0) }
            let units: Int = (count + granularity - 1) / granularity
            if units >= parts * (parts + 1) / 2 {
                // Each chunk is at least as large as the next (up to one unit of rounding), and the last
                // is well under an equal share.
                let sizes: [Int] = ranges.map(\.count)
                for (a, b): (Int, Int) in zip(sizes, sizes.dropFirst()) { #expect(a + granularity >= b, "\(sizes)") }
                #expect(sizes.last! * parts <= count / 2, "\(sizes)")
            }
        }
    }
}
