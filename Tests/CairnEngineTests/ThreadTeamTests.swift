#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CCairnKernels
import Testing
@testable import CairnEngine

@Suite("Thread team")
struct ThreadTeamTests {
    /// Adds 1 to `counts[i]` for every `i` of its part's range (each part writes only its own slots).
    struct Increment: TeamJob {
        var counts: UnsafeMutablePointer<Int>
        var split: Split
        func run(part: Int) {
            for i in split.range(part) { counts[i] += 1 }
        }
        static var entry: cairn_team_task {
            { context, part in context!.assumingMemoryBound(to: Increment.self).pointee.run(part: part) }
        }
    }

    /// Runs `rounds` jobs over `count` slots split `parts` ways (or by the team's rule) and returns the slots.
    static func tally(team: ThreadTeam, count: Int, parts: Int? = nil, rounds: Int = 1, pauseEvery: Int = 0) -> [Int] {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: max(count, 1))
        let split = parts.map { Split(count: count, parts: $0) } ?? team.split(count, minimumPerPart: 1)
        for round in 1...rounds {
            team.run(Increment(counts: counts, split: split))
            if pauseEvery > 0, round % pauseEvery == 0 { usleep(2000) }  // past the spin window: workers sleep
        }
        return Array(UnsafeBufferPointer(start: counts, count: count))
    }

    @Test(arguments: [1, 2, 3, 8]) func everyPartRunsExactlyOnce(threads: Int) {
        let team = ThreadTeam(threads: threads)
        #expect(team.threadCount == threads)
        for parts in 1...threads {
            for count in [0, 1, parts, 37, 1000] {
                #expect(
                    Self.tally(team: team, count: count, parts: parts, rounds: 20)
                        == [Int](repeating: 20, count: count),
                    "threads \(threads), parts \(parts), count \(count)")
            }
        }
    }

    @Test func rangesCoverTheCountInOrderWithWholeGranules() {
        for count in [0, 1, 7, 8, 9, 100, 1000, 1023] {
            for parts in 1...5 {
                for granule in [1, 8, 16] {
                    let split = Split(count: count, granule: granule, parts: parts)
                    var next = 0
                    for part in 0..<parts {
                        let range = split.range(part)
                        #expect(range.lowerBound == next, "count \(count) parts \(parts) granule \(granule)")
                        if range.upperBound < count { #expect(range.upperBound % granule == 0) }
                        next = range.upperBound
                    }
                    #expect(next == count)
                }
            }
        }
    }

    @Test func splitsRespectTheMinimumPerPartAndTheGranules() {
        let team = ThreadTeam(threads: 4)
        #expect(team.split(10, minimumPerPart: 100).parts == 1)
        #expect(team.split(250, minimumPerPart: 100).parts == 2)
        #expect(team.split(1_000_000, minimumPerPart: 100).parts == 4)
        #expect(team.split(40, granule: 16, minimumPerPart: 1).parts == 3)  // only three granules
        #expect(ThreadTeam(threads: 1).split(1_000_000, minimumPerPart: 1).parts == 1)
    }

    /// Many short jobs back to back (workers spinning), with pauses long enough for the workers to
    /// sleep in between: every element is written exactly once each time.
    @Test func backToBackAndAfterSleepingJobsAreComplete() {
        let team = ThreadTeam(threads: 3)
        #expect(
            Self.tally(team: team, count: 10_000, rounds: 2000, pauseEvery: 500)
                == [Int](repeating: 2000, count: 10_000))
    }

    /// Teams of every size start, run and stop (deinit joins the workers) without hanging.
    @Test func teamsAreCreatedAndDestroyedCleanly() {
        for threads in 1...4 {
            let team = ThreadTeam(threads: threads)
            #expect(Self.tally(team: team, count: 64, rounds: 3) == [Int](repeating: 3, count: 64))
        }
    }

    @Test func gatherRowsCopiesRowsInTheGivenOrder() {
        let width = 300, rows = 500
        let source = (0..<width * rows).map { Float($0) }
        var rng = RandomGenerator(seed: 9)
        var order = Array(0..<rows)
        rng.shuffle(&order)
        for threads in [1, 2, 3] {
            var target = [Float](repeating: -1, count: width * rows)
            source.withUnsafeBufferPointer { source in
                target.withUnsafeMutableBufferPointer { target in
                    ThreadTeam(threads: threads).gatherRows(
                        order[0..<rows], from: source.baseAddress!, width: width,
                        into: target.baseAddress!)
                }
            }
            for r in [0, 1, rows / 2, rows - 1] {
                #expect(
                    Array(target[r * width..<(r + 1) * width])
                        == Array(source[order[r] * width..<(order[r] + 1) * width]))
            }
            #expect(target == order.flatMap { source[$0 * width..<($0 + 1) * width] })
        }
    }
}
