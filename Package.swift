// swift-tools-version: 6.0
import PackageDescription

/// A command-line tool: parses its flags and calls the library layers through CairnCLI; `imports` names the
/// other library targets its sources import.
func tool(_ name: String, imports: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "CairnCLI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ] + imports)
}

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    // MARK: - Public products
    products: [
        .library(name: "CairnFormat", targets: ["CairnFormat"]),
        .library(name: "CairnModel", targets: ["CairnModel"]),
        .library(name: "CairnEngine", targets: ["CairnEngine"]),
        .executable(name: "cairn-train", targets: ["cairn-train"]),
        .executable(name: "cairn-resume", targets: ["cairn-resume"]),
        .library(name: "CairnInspect", targets: ["CairnInspect"]),
        .library(name: "CairnTraining", targets: ["CairnTraining"]),
        .executable(name: "cairn-inspect", targets: ["cairn-inspect"]),
        .executable(name: "cairn-convert", targets: ["cairn-convert"]),
        // Evaluation: scoring checkpoints on held-out data.
        .library(name: "CairnEvaluation", targets: ["CairnEvaluation"]),
        .executable(name: "cairn-eval", targets: ["cairn-eval"]),
        // Audit: symmetric units, initialisation scale, signal propagation, repair.
        .library(name: "CairnAudit", targets: ["CairnAudit"]),
        .executable(name: "cairn-audit", targets: ["cairn-audit"]),
        .executable(name: "cairn-diff", targets: ["cairn-diff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["libz-dev"])]),
        /// C kernels that need CPU intrinsics or atomics Swift cannot reach portably (CRC-32 by carry-less
        /// multiplication, the engine's thread team, cairn-diff's AVX2 difference sums).
        .target(name: "CCairnKernels"),

        // MARK: - Library layers (each imports only the layers below it)
        /// The container: bytes, chunks, codecs, checksums, atomic files, typed tensors. No ML.
        .target(name: "CairnFormat", dependencies: ["CZlib", "CCairnKernels"]),
        /// What a checkpoint means: graph, hyperparameters, training state, history.
        .target(name: "CairnModel", dependencies: ["CairnFormat"]),
        /// Math and training: BLAS, layers, losses, optimisers, data, trainer.
        .target(name: "CairnEngine", dependencies: ["CairnModel", "CairnFormat", "CCairnKernels"]),
        /// Looking inside and converting checkpoints: reports, verification, graph drawings, safetensors/npz/npy.
        .target(name: "CairnInspect", dependencies: ["CairnModel", "CairnFormat", "CCairnKernels"]),
        /// Scoring checkpoints on held-out data: metrics, calibration, paired comparisons (`cairn-eval`).
        .target(name: "CairnEvaluation", dependencies: ["CairnEngine", "CairnInspect", "CairnModel", "CairnFormat"]),
        // MARK: - Audit (above both Engine and Inspect)
        /// Symmetric units, initialisation scale, a forward/backward pass through the engine, repair.
        .target(name: "CairnAudit", dependencies: ["CairnEngine", "CairnInspect", "CairnModel", "CairnFormat"]),
        .testTarget(
            name: "CairnAuditTests",
            dependencies: ["CairnAudit", "CairnEngine", "CairnInspect", "CairnModel", "CairnFormat"]),
        tool("cairn-audit", imports: ["CairnAudit", "CairnModel"]),

        // MARK: - Training (above Engine, Inspect and Audit)
        /// Training, resuming, replay verification and run folders over plain configuration values.
        .target(
            name: "CairnTraining",
            dependencies: ["CairnEngine", "CairnInspect", "CairnAudit", "CairnModel", "CairnFormat"]),
        .testTarget(
            name: "CairnTrainingTests",
            dependencies: ["CairnTraining", "CairnEngine", "CairnInspect", "CairnModel", "CairnFormat"]),

        /// Shared command-line pieces: option groups, progress, output, exit codes.
        .target(
            name: "CairnCLI",
            dependencies: [
                "CairnTraining",
                "CairnEngine",
                "CairnInspect",
                "CairnEvaluation",
                "CairnAudit",
                "CairnModel",
                "CairnFormat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Executables (one thin @main each)
        tool("cairn-train"),
        tool("cairn-resume"),
        tool("cairn-inspect"),
        tool("cairn-convert", imports: ["CairnInspect", "CairnModel"]),
        tool("cairn-eval", imports: ["CairnModel"]),
        tool("cairn-diff", imports: ["CairnInspect", "CairnModel"]),

        // MARK: - Fuzzing
        /// libFuzzer targets for every reader of untrusted bytes (`Tests/Fuzz/run.sh`); built normally, it
        /// replays inputs.
        .executableTarget(
            name: "cairn-fuzz", dependencies: ["CairnEngine", "CairnInspect", "CairnModel", "CairnFormat"]),

        // MARK: - Benchmarks
        /// What the benchmark executables share: printing to standard error, clocks.
        .target(name: "CairnBenchmarkSupport", path: "Benchmarks/Support"),
        /// Times CairnFormat save/load on a checkpoint prepared by `Benchmarks/format/run.py`.
        .executableTarget(name: "cairn-bench-format", dependencies: ["CairnFormat"], path: "Benchmarks/format/Sources"),
        /// Training throughput and GEMM speed on the MNIST-scale workload (`Benchmarks/train/run.py`).
        .executableTarget(
            name: "cairn-bench-train", dependencies: ["CairnEngine", "CairnModel", "CairnBenchmarkSupport"],
            path: "Benchmarks/train", exclude: ["run.py", "RESULTS.md"],
            sources: ["TrainBenchmark.swift"]),
        /// CSV loading speed against pandas and numpy (`Benchmarks/csv/run.py`).
        .executableTarget(name: "cairn-bench-csv", dependencies: ["CairnEngine"], path: "Benchmarks/csv/Sources"),
        /// Convolution kernel speed on LeNet-5 and 1-D CNN layers against PyTorch (`Benchmarks/conv/run.py`).
        .executableTarget(
            name: "cairn-bench-conv", dependencies: ["CairnEngine", "CairnModel", "CairnBenchmarkSupport"],
            path: "Benchmarks/conv/Sources"),
        /// Whole-network CNN training throughput against PyTorch (`Benchmarks/cnn/run.py`).
        .executableTarget(
            name: "cairn-bench-cnn", dependencies: ["CairnEngine", "CairnModel", "CairnBenchmarkSupport"],
            path: "Benchmarks/cnn/Sources"),

        // MARK: - Fixture scripts (not tests, not shipped)
        /// The golden checkpoint files' formulas, shared by CairnFormatTests and `cairn-fixtures`.
        .target(name: "CairnGoldenFiles", dependencies: ["CairnFormat"], path: "Scripts/CairnGoldenFiles"),
        /// Regenerates fixture files: `swift run cairn-fixtures golden DIRECTORY`.
        .executableTarget(name: "cairn-fixtures", dependencies: ["CairnGoldenFiles"], path: "Scripts/cairn-fixtures"),

        // MARK: - Tests
        .testTarget(
            name: "CairnFormatTests", dependencies: ["CairnFormat", "CairnGoldenFiles", "CZlib", "CCairnKernels"]),
        .testTarget(name: "CairnModelTests", dependencies: ["CairnModel"]),
        .testTarget(name: "CairnEngineTests", dependencies: ["CairnEngine", "CairnModel", "CCairnKernels"]),
        .testTarget(name: "CairnInspectTests", dependencies: ["CairnInspect", "CairnModel", "CairnFormat"]),
        .testTarget(
            name: "CLITests", dependencies: ["CairnCLI", "CairnInspect", "CairnModel", "CairnFormat"],
            exclude: ["HelpSnapshots"]),
        .testTarget(
            name: "CairnEvaluationTests",
            dependencies: ["CairnEvaluation", "CairnEngine", "CairnInspect", "CairnModel"]),
    ],
    swiftLanguageModes: [.v6]
)
