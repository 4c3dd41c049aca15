import CairnBenchmarkSupport
import CairnEngine
import CairnModel
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Training throughput of whole convolutional networks (forward, loss, backward, SGD update), to compare
/// with PyTorch in `run.py`: a LeNet-5-style network on 1x28x28 inputs (conv 6@5x5, ReLU, max-pool 2,
/// conv 16@5x5, ReLU, max-pool 2, dense 120, 84, 10) and a 1-D CNN (three conv1d of 25 channels, kernels
/// 5/3/3, stride 2, ReLU, on 1x40 inputs, then dense 10). Uniform random inputs and labels, SGD momentum
/// 0.9, lr 0.01, He initialisation. Each measurement: 10 warm-up steps, then steps for about `--seconds`,
/// over `--reps` repetitions; the median samples/s is reported.
///
/// Usage: `cairn-bench-cnn [--net lenet|conv1d] [--batches 128,32] [--reps 5] [--seconds 1] [--threads N]`.
/// Prints one `RESULT {json}` line per measurement.

@main
struct CNNBenchmark {
    static func lenet() -> GraphSpec {
        GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [1, 28, 28]),
            NodeSpec(name: "conv1", kind: .conv2d, inputs: ["input"], channels: 6, kernel: [5]),
            NodeSpec(name: "act1", kind: .relu, inputs: ["conv1"]),
            NodeSpec(name: "pool1", kind: .maxPool, inputs: ["act1"], kernel: [2]),
            NodeSpec(name: "conv2", kind: .conv2d, inputs: ["pool1"], channels: 16, kernel: [5]),
            NodeSpec(name: "act2", kind: .relu, inputs: ["conv2"]),
            NodeSpec(name: "pool2", kind: .maxPool, inputs: ["act2"], kernel: [2]),
            NodeSpec(name: "flatten", kind: .flatten, inputs: ["pool2"]),
            NodeSpec(name: "dense1", kind: .dense, inputs: ["flatten"], units: 120),
            NodeSpec(name: "act3", kind: .relu, inputs: ["dense1"]),
            NodeSpec(name: "dense2", kind: .dense, inputs: ["act3"], units: 84),
            NodeSpec(name: "act4", kind: .relu, inputs: ["dense2"]),
            NodeSpec(name: "dense3", kind: .dense, inputs: ["act4"], units: 10),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["dense3"]),
        ])
    }

    static func conv1d() -> GraphSpec {
        GraphSpec(nodes: [
            NodeSpec(name: "input", kind: .input, shape: [1, 40]),
            NodeSpec(name: "conv1", kind: .conv1d, inputs: ["input"], channels: 25, kernel: [5], stride: [2]),
            NodeSpec(name: "act1", kind: .relu, inputs: ["conv1"]),
            NodeSpec(name: "conv2", kind: .conv1d, inputs: ["act1"], channels: 25, kernel: [3], stride: [2]),
            NodeSpec(name: "act2", kind: .relu, inputs: ["conv2"]),
            NodeSpec(name: "conv3", kind: .conv1d, inputs: ["act2"], channels: 25, kernel: [3], stride: [2]),
            NodeSpec(name: "act3", kind: .relu, inputs: ["conv3"]),
            NodeSpec(name: "flatten", kind: .flatten, inputs: ["act3"]),
            NodeSpec(name: "dense", kind: .dense, inputs: ["flatten"], units: 10),
            NodeSpec(name: "softmax", kind: .softmax, inputs: ["dense"]),
        ])
    }

    /// Samples per second of `reps` timed stretches of training steps at `batch`, and the team's thread count.
    static func measure(
        graph: GraphSpec, batch: Int, reps: Int, seconds: Double, threads: Int
    ) throws
        -> ([Double], Int)
    {
        let network = try Network(graph: graph, maxBatch: batch, threads: threads)
        var rng = RandomGenerator(seed: 1)
        network.initialize(.heNormal, rng: &rng)
        let optimizer = Optimizer(
            config: OptimizerConfig(kind: .sgd, learningRate: 0.01, momentum: 0.9),
            parameters: network.parameters)
        let inputs = (0..<batch * network.inputWidth).map { _ in rng.nextUniform() }
        let labels = (0..<batch).map { _ in Int32(rng.boundedDraw(10)) }
        func step() {
            _ = inputs.withUnsafeBufferPointer { x in
                labels.withUnsafeBufferPointer { l in
                    network.trainStep(
                        inputs: x, targets: .labels(l), batch: batch, optimizer: optimizer,
                        learningRate: 0.01, rng: &rng)
                }
            }
        }
        for _ in 0..<10 { step() }
        var rates: [Double] = []
        for _ in 0..<reps {
            let start = clockSeconds()
            var steps = 0
            while clockSeconds() - start < seconds {
                step()
                steps += 1
            }
            rates.append(Double(steps * batch) / (clockSeconds() - start))
        }
        return (rates, network.team.threadCount)
    }

    static func main() throws {
        var net = "lenet", batches = [128, 32], reps = 5, seconds = 1.0, threads = ThreadTeam.defaultThreadCount
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--net": net = arguments.next() ?? net
            case "--batches": batches = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--reps": reps = Int(arguments.next() ?? "") ?? reps
            case "--seconds": seconds = Double(arguments.next() ?? "") ?? seconds
            case "--threads": threads = Int(arguments.next() ?? "") ?? threads
            default:
                printError(
                    "usage: cairn-bench-cnn [--net lenet|conv1d] [--batches 128,32] [--reps 5] [--seconds 1] [--threads N]\n"
                )
                exit(64)
            }
        }
        let graph = net == "conv1d" ? conv1d() : lenet()
        for batch in batches {
            let (rates, teamThreads) = try measure(
                graph: graph, batch: batch, reps: reps, seconds: seconds, threads: threads)
            let median = rates.sorted()[rates.count / 2]
            printError("cairn \(net) batch \(batch) threads \(teamThreads): \(Int(median)) samples/s\n")
            print(
                "RESULT {\"net\": \"\(net)\", \"batch\": \(batch), \"threads\": \(teamThreads), \"samples_per_second\": \(median)}"
            )
        }
    }
}
