import CairnModel
import CairnBenchmarkSupport
import CairnEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Convolution kernel speed: forward + backward of the convolution layers of a LeNet-5-style network
/// (conv 1->6 5x5 on 28x28, conv 6->16 5x5 on 12x12) at batch 128 and 32, and of a 1-D CNN (three conv1d
/// of 25 channels, kernels 5/3/3, stride 2, on length 40) at batch 100. A first layer computes no input
/// gradient (as in training). Median time per pass over `--reps` repetitions of about 0.2 s each.
///
/// Usage: `cairn-bench-conv [--threads N] [--reps 5] [--workspace-floats F] [--only TEXT] [--cpu-time]`.
/// Prints one `RESULT {json}` line per layer on stdout and readable lines on stderr.

@main
struct ConvBenchmark {
    struct Layer {
        var network: String
        var name: String
        var geometry: ConvolutionGeometry
        var batch: Int
        var inputGradient: Bool
    }

    static func layers() throws -> [Layer] {
        let first = try ConvolutionGeometry(
            inputChannels: 1, outputChannels: 6, inputHeight: 28, inputWidth: 28,
            kernelHeight: 5, kernelWidth: 5)
        let second = try ConvolutionGeometry(
            inputChannels: 6, outputChannels: 16, inputHeight: 12, inputWidth: 12,
            kernelHeight: 5, kernelWidth: 5)
        let sequence = [(1, 40, 5), (25, 18, 3), (25, 8, 3)]
        var layers: [Layer] = []
        for batch in [128, 32] {
            layers.append(
                Layer(
                    network: "lenet", name: "conv1 1->6 5x5 on 28x28", geometry: first, batch: batch,
                    inputGradient: false))
            layers.append(
                Layer(
                    network: "lenet", name: "conv2 6->16 5x5 on 12x12", geometry: second, batch: batch,
                    inputGradient: true))
        }
        for (index, (channels, length, kernel)) in sequence.enumerated() {
            let g = try ConvolutionGeometry.oneDimensional(
                inputChannels: channels, outputChannels: 25, length: length,
                kernel: kernel, stride: 2)
            layers.append(
                Layer(
                    network: "cnn1d", name: "conv\(index + 1) \(channels)->25 k\(kernel) s2 on \(length)",
                    geometry: g, batch: 100, inputGradient: index > 0))
        }
        return layers
    }

    static func main() throws {
        var threads = 2
        var reps = 5
        var limit = Convolution.defaultMaximumWorkspaceFloats
        var only: String?
        var clock = CLOCK_MONOTONIC
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--threads": threads = Int(arguments.next() ?? "") ?? threads
            case "--reps": reps = Int(arguments.next() ?? "") ?? reps
            case "--workspace-floats": limit = Int(arguments.next() ?? "") ?? limit
            case "--only": only = arguments.next()
            case "--cpu-time": clock = CLOCK_PROCESS_CPUTIME_ID
            default:
                printError(
                    "usage: cairn-bench-conv [--threads N] [--reps 5] [--workspace-floats F] [--only TEXT]"
                        + " [--cpu-time]\n")
                exit(64)
            }
        }
        let team = ThreadTeam(threads: threads)
        printError("GEMM: \(BLASLibrary.describe(threads: team.threadCount))\n")
        var rng = RandomGenerator(seed: 1)
        for layer in try layers()
        where only.map({ "\(layer.network) \(layer.name) batch \(layer.batch)".contains($0) }) ?? true {
            let g = layer.geometry
            let batch = layer.batch
            let convolution = Convolution(geometry: g, maximumWorkspaceFloats: limit)
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
                let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
                for i in 0..<count { pointer[i] = rng.nextUniform() - 0.5 }
                return pointer
            }
            let x = buffer(batch * g.inputSize)
            let w = buffer(g.weightCount)
            let b = buffer(g.outputChannels)
            let y = buffer(batch * g.outputSize)
            let dy = buffer(batch * g.outputSize)
            let dw = buffer(g.weightCount)
            let db = buffer(g.outputChannels)
            let dx = buffer(batch * g.inputSize)
            let workspaceCount = convolution.workspaceFloats(batch: batch, threads: team.threadCount)
            let workspace = UnsafeMutableBufferPointer(start: buffer(workspaceCount), count: workspaceCount)
            func pass() {
                convolution.forward(
                    input: x, weight: w, bias: b, output: y, batch: batch, workspace: workspace, team: team)
                convolution.backward(
                    input: x, weight: w, outputGradient: dy, weightGradient: dw, biasGradient: db,
                    inputGradient: layer.inputGradient ? dx : nil, accumulateInputGradient: false,
                    batch: batch, workspace: workspace, team: team)
            }
            for _ in 0..<20 { pass() }
            let start = clockSeconds(on: clock)
            var calibration = 0
            while clockSeconds(on: clock) - start < 0.05 {
                pass()
                calibration += 1
            }
            let iterations = max(1, Int(0.2 / ((clockSeconds(on: clock) - start) / Double(calibration))))
            var times: [Double] = []
            for _ in 0..<reps {
                let begin = clockSeconds(on: clock)
                for _ in 0..<iterations { pass() }
                times.append((clockSeconds(on: clock) - begin) / Double(iterations))
            }
            let median = times.sorted()[times.count / 2]
            let tile = convolution.tileSamples(batch: batch, threads: team.threadCount)
            printError(
                "\(layer.network) \(layer.name) batch \(batch): \(String(format: "%.1f", median * 1e6)) us per "
                    + "forward+backward, tile \(tile) samples\n")
            print(
                "RESULT {\"network\": \"\(layer.network)\", \"layer\": \"\(layer.name)\", \"batch\": \(batch), "
                    + "\"seconds\": \(median), \"tile\": \(tile), "
                    + "\"workspace_floats\": \(workspaceCount)}")
            for pointer in [x, w, b, y, dy, dw, db, dx, workspace.baseAddress!] { pointer.deallocate() }
        }
    }
}
