import Foundation
import Testing
@testable import CairnEngine

@Suite("GEMM")
struct GEMMTests {
    typealias Multiply = (
        Bool, Bool, Int, Int, Int, Float, UnsafePointer<Float>, Int,
        UnsafePointer<Float>, Int, Float, UnsafeMutablePointer<Float>, Int
    ) -> Void

    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (3, 5, 7), (17, 33, 65), (70, 45, 300), (5, 530, 9), (129, 31, 2),
        (33, 200, 400),
        (300, 40, 100), (10, 500, 300),
    ]  // these split across a team
    static let transposes: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]

    /// Checks `multiply` against a Double reference on padded (lda > minimum) operands with alpha and beta.
    static func check(_ multiply: Multiply) {
        var rng = RandomGenerator(seed: 7)
        for shape in shapes {
            for (ta, tb) in transposes {
                let (m, n, k) = shape
                let aRows = ta ? k : m, aCols = ta ? m : k, lda = aCols + 3
                let bRows = tb ? n : k, bCols = tb ? k : n, ldb = bCols + 1
                let ldc = n + 2
                let a = (0..<aRows * lda).map { _ in rng.nextUniform() * 2 - 1 }
                let b = (0..<bRows * ldb).map { _ in rng.nextUniform() * 2 - 1 }
                var c = (0..<m * ldc).map { _ in rng.nextUniform() * 2 - 1 }
                let alpha: Float = 0.75, beta: Float = 0.5
                var expected = [Double](repeating: 0, count: m * ldc)
                var scale = [Double](repeating: 0, count: m * ldc)
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let x = Double(ta ? a[p * lda + i] : a[i * lda + p])
                            let y = Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                            sum += x * y
                            magnitude += abs(x * y)
                        }
                        expected[i * ldc + j] = Double(alpha) * sum + Double(beta) * Double(c[i * ldc + j])
                        scale[i * ldc + j] = magnitude + 1
                    }
                }
                let untouched = c
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            multiply(
                                ta, tb, m, n, k, alpha, a.baseAddress!, lda, b.baseAddress!, ldb, beta, c.baseAddress!,
                                ldc)
                        }
                    }
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<ldc {
                        let index = i * ldc + j
                        if j >= n {
                            #expect(c[index] == untouched[index], "padding written at \(i),\(j)")
                        } else {
                            worst = max(worst, abs(Double(c[index]) - expected[index]) / scale[index])
                        }
                    }
                }
                #expect(worst < 1e-5, "m \(m) n \(n) k \(k) transA \(ta) transB \(tb): relative error \(worst)")
            }
        }
    }

    @Test func portableMatchesReference() {
        Self.check {
            PortableGEMM.multiply(
                transposeA: $0, transposeB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7,
                b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
        }
    }

    @Test func engineGEMMMatchesReference() {
        Self.check {
            GEMM.multiply(
                transposeA: $0, transposeB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7,
                b: $8, ldb: $9, beta: $10, c: $11, ldc: $12)
        }
    }

    /// Products split into row or column blocks across a team (of 2 and 3 threads, so blocks are
    /// uneven) still match the reference, transposes, strides, alpha and beta included.
    @Test(arguments: [2, 3]) func splitAcrossTeamMatchesReference(threads: Int) {
        let team = ThreadTeam(threads: threads)
        Self.check {
            GEMM.multiply(
                transposeA: $0, transposeB: $1, m: $2, n: $3, k: $4, alpha: $5, a: $6, lda: $7,
                b: $8, ldb: $9, beta: $10, c: $11, ldc: $12, team: team)
        }
    }

    /// The split depends only on sizes and thread count: the same product twice gives the same bits.
    @Test func splitProductIsBitIdenticalFromCallToCall() {
        let team = ThreadTeam(threads: 2)
        var rng = RandomGenerator(seed: 3)
        let (m, n, k) = (300, 200, 150)
        let a = (0..<m * k).map { _ in rng.nextUniform() - 0.5 }, b = (0..<k * n).map { _ in rng.nextUniform() - 0.5 }
        func product() -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            GEMM.multiply(
                transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                beta: 0, c: &c, ldc: n, team: team)
            return c
        }
        let first = product()
        for _ in 0..<20 { #expect(product() == first) }
    }

    @Test func betaZeroIgnoresNaNInOutput() {
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        var c: [Float] = [.nan]
        PortableGEMM.multiply(
            transposeA: false, transposeB: false, m: 1, n: 1, k: 2, alpha: 1, a: a, lda: 2, b: b, ldb: 1,
            beta: 0, c: &c, ldc: 1)
        #expect(c == [11])
    }

    /// Cairn needs a real BLAS for GEMM (the portable Swift GEMM is a slow fallback): this machine, and
    /// CI, have Debian's `libopenblas0-pthread`. Fails when none was loaded, names it, and checks that
    /// its products agree with the portable GEMM and that the engine's GEMM goes through it.
    @Test func realBLASIsLoadedDescribedAndAgreesWithPortable() throws {
        let library = try #require(
            BLASLibrary.current,
            "no BLAS loaded (install libopenblas0-pthread or set CAIRN_BLAS=/path/to/libcblas.so)")
        let override = ProcessInfo.processInfo.environment["CAIRN_BLAS"].flatMap { $0.isEmpty ? nil : $0 }
        #expect(
            BLASLibrary.candidatePaths.contains(library.path) || library.path == override,
            "loaded from an unexpected place: \(library.path)")
        #expect(BLASLibrary.activeDescription == library.description)
        #expect(BLASLibrary.describe(threads: 1) == library.description + ", 1 thread")
        #expect(BLASLibrary.describe(threads: 2) == library.description + ", 2 threads")
        #if os(Linux)
            if override == nil {
                // The system library Cairn searches for is OpenBLAS: name, version, kernel and path in its description.
                let configuration = try #require(library.configuration, "\(library.path) has no openblas_get_config")
                let words = configuration.split(separator: " ")
                #expect(
                    words.first == "OpenBLAS" && words.count > 1 && words[1].first?.isNumber == true, "\(configuration)"
                )
                let coreName = try #require(library.coreName, "\(library.path) has no openblas_get_corename")
                #expect(library.description == "OpenBLAS \(words[1]) (\(library.path)), core \(coreName)")
                #expect(
                    library.runsSingleThreaded,
                    "OpenBLAS is pinned to one thread so the engine's team can split products")
                // DYNAMIC_ARCH builds pick the kernel named by OPENBLAS_CORETYPE, which Cairn sets from the CPU
                // before loading unless the user did.
                if configuration.contains("DYNAMIC_ARCH"),
                    let coreType = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
                {
                    #expect(
                        coreName.lowercased() == coreType.lowercased(),
                        "OPENBLAS_CORETYPE=\(coreType) but core \(coreName)")
                }
            }
        #endif
        var rng = RandomGenerator(seed: 11)
        for (m, n, k) in [(1, 1, 1), (7, 5, 3), (64, 64, 64), (129, 31, 200), (300, 40, 100)] {
            for (ta, tb) in Self.transposes {
                let a = (0..<m * k).map { _ in rng.nextUniform() * 2 - 1 },
                    b = (0..<k * n).map { _ in rng.nextUniform() * 2 - 1 }
                let start = (0..<m * n).map { _ in rng.nextUniform() * 2 - 1 }
                let (lda, ldb) = (ta ? m : k, tb ? k : n)
                var viaBLAS = start, viaPortable = start, viaEngine = start
                library.multiply(ta, tb, m, n, k, 0.5, a, lda, b, ldb, 0.25, &viaBLAS, n)
                PortableGEMM.multiply(
                    transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                    b: b, ldb: ldb, beta: 0.25, c: &viaPortable, ldc: n)
                GEMM.multiply(
                    transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                    b: b, ldb: ldb, beta: 0.25, c: &viaEngine, ldc: n)
                let worst = zip(viaBLAS, viaPortable).map { Double(abs($0 - $1)) / (Double(abs($1)) + 1) }.max() ?? 0
                #expect(
                    worst < 1e-5, "m \(m) n \(n) k \(k) transA \(ta) transB \(tb): BLAS and portable differ by \(worst)"
                )
                #expect(viaEngine == viaBLAS, "GEMM.multiply did not go through \(library.path)")
            }
        }
    }

    @Test func cpuFlagsAreParsed() {
        let text = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw\nbugs\t\t: spectre\n"
        let full = CPUFeatures(cpuinfo: text), avx2 = CPUFeatures(cpuinfo: "flags : sse2 avx2"),
            none = CPUFeatures(cpuinfo: "")
        #expect(full.hasAVX2 && full.hasAVX512F)
        #expect(avx2.hasAVX2 && !avx2.hasAVX512F)
        #expect(!none.hasAVX2 && !none.hasAVX512F)
    }
}
