// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v13)],
    // MARK: - Public products
    products: [
        .library(name: "CairnFormat", targets: ["CairnFormat"]),
        .library(name: "CairnModel", targets: ["CairnModel"]),
        .library(name: "CairnEngine", targets: ["CairnEngine"]),
        .executable(name: "cairn-train", targets: ["cairn-train"]),
        .executable(name: "cairn-resume", targets: ["cairn-resume"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["libz-dev"])]),
        /// C kernels that need CPU intrinsics Swift cannot reach (CRC-32 by carry-less multiplication).
        .target(name: "CCairnKernels"),

        // MARK: - Library layers (each imports only the layers below it)
        /// The container: bytes, chunks, codecs, checksums, atomic files, typed tensors. No ML.
        .target(name: "CairnFormat", dependencies: ["CZlib", "CCairnKernels"]),
        /// What a checkpoint means: graph, hyperparameters, training state, history.
        .target(name: "CairnModel", dependencies: ["CairnFormat"]),
        /// Math and training: BLAS, layers, losses, optimisers, data, trainer.
        .target(name: "CairnEngine", dependencies: ["CairnModel"]),
        /// Shared command-line pieces: option groups, progress, output, exit codes.
        .target(name: "CairnCLI", dependencies: [
            "CairnEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Executables
        .executableTarget(name: "cairn-train", dependencies: [
            "CairnCLI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "cairn-resume", dependencies: [
            "CairnCLI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Benchmarks
        /// Times CairnFormat save/load on a checkpoint prepared by `Benchmarks/format/run.py`.
        .executableTarget(name: "cairn-bench-format", dependencies: ["CairnFormat"], path: "Benchmarks/format/Sources"),

        // MARK: - Tests
        .testTarget(name: "CairnFormatTests", dependencies: ["CairnFormat"]),
        .testTarget(name: "CairnModelTests", dependencies: ["CairnModel"]),
        .testTarget(name: "CairnEngineTests", dependencies: ["CairnEngine"]),
        .testTarget(name: "CLITests", dependencies: ["CairnCLI"]),
    ],
    swiftLanguageModes: [.v5]
)
