import CairnFormat
import Foundation
import Testing

@Suite struct StatisticsTests {
    @Test func floatStatisticsSkipNonFiniteValues() throws {
        let values: [Float] = [1, 2, 3, 4, .nan, .infinity, -.infinity, 0, -0.0]
        let stats = try savedStatistics(Tensor(shape: [9], floats: values), chunkSize: 8)
        let finite: [Double] = [1, 2, 3, 4, 0, 0]
        let mean = finite.reduce(0, +) / 6
        let std = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6).squareRoot()
        #expect(stats.min == 0 && stats.max == 4)
        #expect(abs(stats.mean - mean) < 1e-12)
        #expect(abs(stats.standardDeviation - std) < 1e-12)
        #expect(stats.nanCount == 1 && stats.infinityCount == 2 && stats.zeroCount == 2)
        #expect(!stats.allEqual)
    }

    @Test func statisticsMergeAcrossChunksMatchesDirectComputation() throws {
        let floats = TestSupport.weights(count: 10_007, seed: 11)
        let tensor = Tensor(shape: [10_007], floats: floats)
        let direct = tensor.bytes.withUnsafeBytes { TensorStatistics(dtype: .f32, bytes: $0) }
        for chunkSize in [4, 100, 4096, 1 << 20] {
            let stats = try savedStatistics(tensor, chunkSize: chunkSize)
            #expect(stats.min == direct.min && stats.max == direct.max)
            #expect(abs(stats.mean - direct.mean) <= 1e-12 * max(1, abs(direct.mean)))
            #expect(abs(stats.standardDeviation - direct.standardDeviation) <= 1e-9 * direct.standardDeviation)
        }
        let doubles = floats.map(Double.init)
        let mean = doubles.reduce(0, +) / Double(doubles.count)
        #expect(abs(direct.mean - mean) < 1e-12)
    }

    /// The f32 fast path (blocks of four) agrees with the generic path used for f64 on the same values.
    @Test(arguments: [0, 1, 3, 4, 5, 17, 1001])
    func float32FastPathMatchesGenericPath(count: Int) throws {
        var floats = TestSupport.weights(count: count, seed: UInt64(count))
        if count > 10 { floats[7] = .nan; floats[9] = -.infinity; floats[count - 1] = 0 }
        let single = Tensor(shape: [count], floats: floats).bytes.withUnsafeBytes {
            TensorStatistics(dtype: .f32, bytes: $0)
        }
        let double = Tensor(shape: [count], doubles: floats.map(Double.init)).bytes.withUnsafeBytes {
            TensorStatistics(dtype: .f64, bytes: $0)
        }
        #expect(single.min == double.min && single.max == double.max)
        #expect(
            single.nanCount == double.nanCount && single.infinityCount == double.infinityCount
                && single.zeroCount == double.zeroCount)
        #expect(single.allEqual == double.allEqual)
        #expect(abs(single.mean - double.mean) <= 1e-12 * max(1e-3, abs(double.mean)))
        #expect(abs(single.standardDeviation - double.standardDeviation) <= 1e-9 * max(1e-6, double.standardDeviation))
    }

    @Test func integerAndBoolStatisticsUseValues() throws {
        let ints = try savedStatistics(Tensor(shape: [4], int64s: [-5, 0, 5, 10]), chunkSize: 8)
        #expect(ints.min == -5 && ints.max == 10 && ints.mean == 2.5 && ints.zeroCount == 1 && ints.nanCount == 0)
        let flags = try savedStatistics(Tensor(dtype: .bool, shape: [4], bytes: [1, 0, 1, 1]), chunkSize: 1)
        #expect(flags.min == 0 && flags.max == 1 && flags.mean == 0.75 && flags.zeroCount == 1)
        let signed = try savedStatistics(Tensor(dtype: .i8, shape: [2], bytes: [0xFF, 0x80]), chunkSize: 1)
        #expect(signed.min == -128 && signed.max == -1)
    }

    @Test func allEqualIsBitwise() throws {
        #expect(
            try savedStatistics(Tensor(shape: [100], floats: [Float](repeating: 2, count: 100)), chunkSize: 12).allEqual
        )
        #expect(try !savedStatistics(Tensor(shape: [2], floats: [0, -0.0]), chunkSize: 4).allEqual)
        #expect(try savedStatistics(Tensor(shape: [0], floats: []), chunkSize: 4) == TensorStatistics())
        let nan = try savedStatistics(Tensor(shape: [3], floats: [.nan, .nan, .nan]), chunkSize: 4)
        #expect(nan.allEqual && nan.nanCount == 3 && nan.mean == 0 && nan.min == 0)
    }

    private func savedStatistics(_ tensor: Tensor, chunkSize: Int) throws -> TensorStatistics {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("s.cairn")
        try TestSupport.write([("t", tensor)], to: url, options: WriteOptions(chunkSize: chunkSize, threads: 2))
        return try #require(CairnReader(path: url.path).info(named: "t")).statistics
    }
}
