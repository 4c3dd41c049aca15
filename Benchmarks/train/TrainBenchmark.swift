import CairnBenchmarkSupport
import CairnEngine
import CairnModel
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Training-speed benchmark on workload W-MNISTSCALE (see `../shared/bench/train_bench.py` beside the repository):
/// 60000 x 784 uniform inputs, random labels, MLP 784-256-128-10, leaky-ReLU 0.01, softmax
/// cross-entropy, SGD momentum 0.9, lr 0.01. One epoch = shuffle + every sample, rows gathered into
/// a batch buffer in shuffled order (as the trainer does), last partial batch included. 200 warm-up
/// steps, then `--reps` timed epochs per batch size; also the engine's GEMM at three shapes.
///
/// Usage: `cairn-bench-train [--batches 32,128,1024] [--reps 3] [--skip-gemm] [--step-gemms] [--threads N]`
/// (`--step-gemms`: time only the eight GEMMs of one training step, per batch). Prints one
/// `RESULT {json}` line per measurement on stdout, readable lines on stderr.
@main
struct TrainBenchmark {
    static let samples = 60000, features = 784, classes = 10

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func main() throws {
        var batches = [32, 128, 1024], reps = 3, gemm = true, stepGEMMs = false, threads = ThreadTeam.defaultThreadCount
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--batches": batches = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--reps": reps = Int(arguments.next() ?? "") ?? reps
            case "--skip-gemm": gemm = false
            case "--threads": threads = Int(arguments.next() ?? "") ?? threads
            case "--step-gemms": stepGEMMs = true
            default:
                printError(
                    "usage: cairn-bench-train [--batches 32,128,1024] [--reps 3] [--skip-gemm] [--step-gemms] [--threads N]\n"
                )
                exit(64)
            }
        }
        let team = ThreadTeam(threads: threads)
        let description = BLASLibrary.describe(threads: team.threadCount)
        printError("GEMM: \(description)\n")
        print("RESULT {\"kind\": \"blas\", \"description\": \"\(description)\"}")
        if gemm {
            for (m, k, n) in [(256, 784, 256), (1024, 784, 256), (2048, 2048, 2048)] {
                let gflops = measureGEMM(m: m, k: k, n: n, reps: reps, team: team)
                printError("gemm cairn \(m)x\(k)@\(k)x\(n): \((median(gflops) * 10).rounded() / 10) GFLOP/s\n")
                print(
                    "RESULT {\"kind\": \"gemm\", \"shape\": \"\(m)x\(k) @ \(k)x\(n)\", \"gflops\": \(median(gflops)), \"all\": \(gflops)}"
                )
            }
        }
        if stepGEMMs {
            for batch in batches {
                let seconds = measureStepGEMMs(batch: batch, reps: reps, team: team)
                printError(
                    "step GEMMs batch \(batch): \(seconds * 1e6) us per step, ceiling \(Int(Double(batch) / seconds)) samples/s\n"
                )
            }
            return
        }
        var rng = RandomGenerator(seed: 0)
        let inputs = (0..<samples * features).map { _ in rng.nextUniform() }
        let labels = (0..<samples).map { _ in Int32(rng.boundedDraw(UInt64(classes))) }
        for batch in batches {
            let rates = try measureTraining(batch: batch, reps: reps, inputs: inputs, labels: labels, team: team)
            printError(
                "cairn batch \(batch): \(Int(median(rates))) samples/s (min \(Int(rates.min()!)), max \(Int(rates.max()!)))\n"
            )
            print(
                "RESULT {\"kind\": \"train\", \"batch\": \(batch), \"samples_per_s\": \(median(rates)), \"all\": \(rates)}"
            )
        }
    }

    static func measureGEMM(m: Int, k: Int, n: Int, reps: Int, team: ThreadTeam) -> [Double] {
        var rng = RandomGenerator(seed: 1)
        let a = (0..<m * k).map { _ in rng.nextUniform() }
        let b = (0..<k * n).map { _ in rng.nextUniform() }
        var c = [Float](repeating: 0, count: m * n)
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    func once() {
                        GEMM.multiply(
                            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: k,
                            b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n, team: team)
                    }
                    once()
                    var iterations = 0
                    let start = clockSeconds()
                    while clockSeconds() - start < 0.2 { once(); iterations += 1 }
                    return (0..<reps).map { _ in
                        let t0 = clockSeconds()
                        for _ in 0..<iterations { once() }
                        return 2 * Double(m * k * n * iterations) / (clockSeconds() - t0) / 1e9
                    }
                }
            }
        }
    }

    /// The GEMMs of one step of the 784-256-128-10 MLP, with the network's transposes; seconds per step.
    static func measureStepGEMMs(batch: Int, reps: Int, team: ThreadTeam) -> Double {
        let widths = [784, 256, 128, 10]
        let size = batch * 784 + 3 * 784 * 256
        let buffers = (0..<3).map { _ in [Float](repeating: 0.01, count: size) }
        let a = buffers[0], b = buffers[1]
        var c = buffers[2]
        func step() {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let a = a.baseAddress!, b = b.baseAddress!, c = c.baseAddress!
                        for layer in 0..<3 {
                            let fanIn = widths[layer], units = widths[layer + 1]
                            GEMM.multiply(
                                transposeA: false, transposeB: true, m: batch, n: units, k: fanIn, alpha: 1, a: a,
                                lda: fanIn,
                                b: b, ldb: fanIn, beta: 0, c: c, ldc: units, team: team)
                            GEMM.multiply(
                                transposeA: true, transposeB: false, m: units, n: fanIn, k: batch, alpha: 1, a: a,
                                lda: units,
                                b: b, ldb: fanIn, beta: 0, c: c, ldc: fanIn, team: team)
                            if layer > 0 {
                                GEMM.multiply(
                                    transposeA: false, transposeB: false, m: batch, n: fanIn, k: units, alpha: 1, a: a,
                                    lda: units, b: b, ldb: fanIn, beta: 0, c: c, ldc: fanIn, team: team)
                            }
                        }
                    }
                }
            }
        }
        for _ in 0..<20 { step() }
        let iterations = max(10, 20000 / batch)
        let times = (0..<reps).map { _ in
            let t0 = clockSeconds()
            for _ in 0..<iterations { step() }
            return (clockSeconds() - t0) / Double(iterations)
        }
        return median(times)
    }

    static func measureTraining(
        batch: Int, reps: Int, inputs: [Float], labels: [Int32], team: ThreadTeam
    ) throws -> [Double] {
        let graph = GraphSpec.perceptron(
            inputs: features, hidden: [256, 128], outputs: classes, activation: .leakyRelu,
            alpha: 0.01, classification: true)
        let network = try Network(graph: graph, maxBatch: batch, threads: team.threadCount)
        var rng = RandomGenerator(seed: 42)
        network.initialize(.heNormal, rng: &rng)
        let optimizer = Optimizer(
            config: OptimizerConfig(kind: .momentum, learningRate: 0.01, momentum: 0.9),
            parameters: network.parameters)
        var batchInputs = [Float](repeating: 0, count: batch * features)
        var batchLabels = [Int32](repeating: 0, count: batch)
        var order = Array(0..<samples)

        func epoch(maxSteps: Int = .max) -> Double {
            rng.shuffle(&order)
            var loss = 0.0
            var step = 0
            inputs.withUnsafeBufferPointer { source in
                batchInputs.withUnsafeMutableBufferPointer { x in
                    batchLabels.withUnsafeMutableBufferPointer { y in
                        var start = 0
                        while start < samples && step < maxSteps {
                            let rows = min(batch, samples - start)
                            network.team.gatherRows(
                                order[start..<start + rows], from: source.baseAddress!,
                                width: features, into: x.baseAddress!)
                            for i in 0..<rows { y[i] = labels[order[start + i]] }
                            loss = network.trainStep(
                                inputs: UnsafeBufferPointer(x), targets: .labels(UnsafeBufferPointer(y)),
                                batch: rows, optimizer: optimizer, learningRate: 0.01, rng: &rng)
                            start += rows
                            step += 1
                        }
                    }
                }
            }
            return loss
        }
        _ = epoch(maxSteps: 200)
        return (0..<reps).map { _ in
            let t0 = clockSeconds()
            let loss = epoch()
            let seconds = clockSeconds() - t0
            precondition(loss.isFinite, "loss diverged")
            return Double(samples) / seconds
        }
    }
}
