import CairnEngine
import CairnFormat
import CairnInspect
import CairnModel
import Foundation

/// Fuzz targets for every reader of untrusted bytes: the `.cairn` reader, safetensors, npz and npy, the
/// CSV, IDX and NPY data loaders, and the graph JSON. Each takes one input and must either succeed or
/// throw; a crash, hang, leak or runaway allocation is a bug.
///
/// Built with libFuzzer (`Tests/Fuzz/run.sh`: `-sanitize=fuzzer,address` and `CAIRN_FUZZING`), the target
/// is chosen by the `CAIRN_FUZZ_TARGET` environment variable. Built normally, `cairn-fuzz TARGET FILE...`
/// replays inputs (the regression files in `Fixtures/fuzz/`), so `swift test` can run them.
enum FuzzTarget: String, CaseIterable {
    case cairn, safetensors, npz, npy, csv, idx, npyData = "npy-data", graph

    /// The file name extension a target's input is written under (loaders choose formats by name).
    var fileExtension: String {
        switch self {
        case .cairn: return "cairn"
        case .safetensors: return "safetensors"
        case .npz: return "npz"
        case .npy, .npyData: return "npy"
        case .csv: return "csv"
        case .idx: return "idx"
        case .graph: return "json"
        }
    }

    /// Runs the target on `path`; errors are expected outcomes, only crashes are findings.
    func run(path: String) {
        switch self {
        case .cairn:
            guard let reader = try? CairnReader(path: path) else { return }
            for info in reader.tensors { _ = try? reader.read(info.name) }
            _ = reader.verify()
            _ = try? CheckpointManifest.decode(reader.manifest)
        case .safetensors, .npz:
            guard let model = try? ModelFile.open(path) else { return }
            for index in model.entries.indices { _ = try? model.floats(index) }
        case .npy:
            guard let bytes = FileManager.default.contents(atPath: path) else { return }
            _ = try? NpyHeader.decode([UInt8](bytes.prefix(70_000)), path: path, item: nil)
        case .csv:
            _ = try? CSVLoader(labelColumn: nil, task: .classification).load(path: path)
            _ = try? CSVLoader(labelColumn: "0", task: .regression).load(path: path)
        case .idx:
            _ = try? IDXLoader.read(path: path)
        case .npyData:
            _ = try? NPYLoader.read(path: path)
        case .graph:
            guard let bytes = FileManager.default.contents(atPath: path),
                let graph = try? JSONDecoder().decode(GraphSpec.self, from: bytes)
            else { return }
            _ = try? graph.validate()
        }
    }
}

/// One scratch file per process, in memory when /dev/shm exists.
let scratchFolder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()

func runOnBytes(_ target: FuzzTarget, _ bytes: UnsafeRawBufferPointer) {
    let path = "\(scratchFolder)/cairn-fuzz-\(getpid()).\(target.fileExtension)"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
    target.run(path: path)
}

#if CAIRN_FUZZING
    let selectedTarget =
        ProcessInfo.processInfo.environment["CAIRN_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:)) ?? .cairn

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        runOnBytes(selectedTarget, UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    /// libFuzzer's driver (SwiftPM names an executable's entry point itself, so libFuzzer's own `main` is
    /// not used).
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @main
    enum FuzzMain {
        static func main() {
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        }
    }
#else
    @main
    enum FuzzReplay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
                FileHandle.standardError.write(Data("usage: cairn-fuzz \(names) FILE...\n".utf8))
                exit(64)
            }
            for file in arguments.dropFirst() {
                guard let bytes = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cairn-fuzz: \(file): file not found\n".utf8))
                    exit(2)
                }
                bytes.withUnsafeBytes { runOnBytes(target, $0) }
            }
        }
    }
#endif
