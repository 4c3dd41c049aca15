#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import CairnEngine

@Suite("Thread team")
struct ThreadTeamTests {
    /// Collects which parts ran, from any thread.
    final class Tally: @unchecked Sendable {
        private let counts: UnsafeMutablePointer<Int>
        let size: Int
        init(size: Int) {
            self.size = size
            counts = .allocate(capacity: size)
            counts.initialize(repeating: 0, count: size)
        }
        deinit { counts.deallocate() }
        /// Each part writes only its own slot, so no two threads touch the same memory.
        func mark(_ index: Int) { counts[index] += 1 }
        var values: [Int] { Array(UnsafeBufferPointer(start: counts, count: size)) }
    }

    @Test(arguments: [1, 2, 3, 8]) func everyPartRunsExactlyOnce(threads: Int) {
        let team = ThreadTeam(threads: threads)
        #expect(team.threadCount == threads)
        for round in 0..<50 {
            for parts in 0...threads {
                let tally = Tally(size: threads + 1)
                team.run(parts: parts) { tally.mark($0) }
                #expect(tally.values == (0...threads).map { $0 < parts ? 1 : 0 }, "threads \(threads), parts \(parts), round \(round)")
            }
        }
    }

    @Test func rangesCoverTheCountInOrderWithWholeGranules() {
        for count in [0, 1, 7, 8, 9, 100, 1000, 1023] {
            for parts in 1...5 {
                for granule in [1, 8, 16] {
                    var next = 0
                    for part in 0..<parts {
                        let range = ThreadTeam.range(part: part, of: parts, count: count, granule: granule)
                        #expect(range.lowerBound == next, "count \(count) parts \(parts) granule \(granule)")
                        if range.upperBound < count { #expect(range.upperBound % granule == 0) }
                        next = range.upperBound
                    }
                    #expect(next == count)
                }
            }
        }
    }

    @Test func partsRespectTheMinimumPerPart() {
        let team = ThreadTeam(threads: 4)
        #expect(team.parts(for: 10, minimumPerPart: 100) == 1)
        #expect(team.parts(for: 250, minimumPerPart: 100) == 2)
        #expect(team.parts(for: 1_000_000, minimumPerPart: 100) == 4)
    }

    /// Many short tasks back to back (workers spinning), then tasks after a pause long enough for the
    /// workers to sleep: every element is written exactly once each time.
    @Test func backToBackAndAfterSleepingTasksAreComplete() {
        let team = ThreadTeam(threads: 3)
        let count = 10_000
        let values = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { values.deallocate() }
        values.initialize(repeating: 0, count: count)
        for round in 1...2000 {
            team.forEachRange(count: count, minimumPerPart: 1) { range in
                for i in range { values[i] += 1 }
            }
            if round % 500 == 0 { usleep(2000) }  // past the spin window: workers are asleep
        }
        #expect(UnsafeBufferPointer(start: values, count: count).allSatisfy { $0 == 2000 })
    }

    @Test func gatherRowsCopiesRowsInTheGivenOrder() {
        let width = 300, rows = 500
        let source = (0 ..< width * rows).map { Float($0) }
        var rng = RandomGenerator(seed: 9)
        var order = Array(0..<rows)
        rng.shuffle(&order)
        for threads in [1, 2, 3] {
            var target = [Float](repeating: -1, count: width * rows)
            source.withUnsafeBufferPointer { source in
                target.withUnsafeMutableBufferPointer { target in
                    ThreadTeam(threads: threads).gatherRows(order[0..<rows], from: source.baseAddress!, width: width,
                                                            into: target.baseAddress!)
                }
            }
            for r in [0, 1, rows / 2, rows - 1] {
                #expect(Array(target[r * width ..< (r + 1) * width]) == Array(source[order[r] * width ..< (order[r] + 1) * width]))
            }
            #expect(target == order.flatMap { source[$0 * width ..< ($0 + 1) * width] })
        }
    }
}
