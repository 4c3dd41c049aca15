import CairnFormat
import Foundation

/// Times `CairnWriter` / `CairnReader` on float32 tensors stored as `SOURCE` (raw bytes) + `SOURCE.json`
/// (`[[name, [dims...]], ...]`, as written by `run.py`). Prints one `RESULT {json}` line.
///
/// Usage: cairn-bench-format SOURCE OUTPUT_DIR LEVEL REPS
@main
struct FormatBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5, let level = Int(arguments[3]), let reps = Int(arguments[4]) else {
            FileHandle.standardError.write(Data("usage: cairn-bench-format SOURCE OUTPUT_DIR LEVEL REPS\n".utf8))
            exit(64)
        }
        let (names, shapes, storage) = try loadSource(arguments[1])
        let path = arguments[2] + "/bench-level\(level).cairn"
        let options = WriteOptions(level: level)
        var saves: [Double] = [], loads: [Double] = [], savePeaks: [Double] = [], loadPeaks: [Double] = []
        var offsets: [Int] = [0]
        for shape in shapes { offsets.append(offsets.last! + shape.reduce(1, *) * 4) }
        // CAIRN_BENCH_PHASE=load|save times only that phase (for profiling); the file must exist for load.
        let phase = ProcessInfo.processInfo.environment["CAIRN_BENCH_PHASE"]
        for _ in 0..<(phase == "load" ? 0 : reps) {
            let base = Memory.residentMiB()
            Memory.resetPeak()
            saves.append(
                try time {
                    let writer = try CairnWriter(path: path, options: options)
                    try storage.withUnsafeBytes { all in
                        for (index, name) in names.enumerated() {
                            let bytes = UnsafeRawBufferPointer(rebasing: all[offsets[index]..<offsets[index + 1]])
                            try writer.write(
                                name: name, role: .parameter, dtype: .f32, shape: shapes[index], bytes: bytes)
                        }
                    }
                    try writer.commit(manifest: Data(#"{"benchmark":true}"#.utf8))
                })
            savePeaks.append(Memory.peakMiB() - base)
        }
        if phase == "save" { exit(0) }
        for _ in 0..<reps {
            let base = Memory.residentMiB()
            Memory.resetPeak()
            var tensors: [Tensor] = []
            loads.append(
                try time {
                    let reader = try CairnReader(path: path)
                    tensors = try reader.tensors.map { try reader.read($0.name) }
                })
            loadPeaks.append(Memory.peakMiB() - base)
            guard tensors.map(\.bytes.count).reduce(0, +) == storage.count else { fatalError("short load") }
        }
        if phase == "load" { exit(0) }
        let fileSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let reader = try CairnReader(path: path)
        let problems = reader.verify()
        guard problems.isEmpty else { fatalError("verify: \(problems)") }
        let probeLatency = try probe(path: arguments[2] + "/bench-probe.cairn", options: options)
        // CAIRN_BENCH_KEEP=1 keeps the file (to inspect the writer's codec choices).
        if ProcessInfo.processInfo.environment["CAIRN_BENCH_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
        let result: [String: Any] = [
            "method": "cairn_level\(level)", "bytes": storage.count, "file_bytes": fileSize, "save_s": saves,
            "load_warm_s": loads,
            "save_extra_mib": savePeaks, "load_extra_mib": loadPeaks, "open_read_4mb_s": probeLatency,
            "threads": options.threads,
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print("RESULT " + String(decoding: json, as: UTF8.self))
    }

    /// Times opening a file (a 4 MB tensor among ~100 MB of others) and reading that one tensor.
    static func probe(path: String, options: WriteOptions) throws -> [Double] {
        // N(0, 0.02) by Box-Muller over a fixed LCG, like the benchmark's weights.
        var state: UInt64 = 1
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        let values = (0..<(1 << 20)).map { _ in
            Float((-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()) * 0.02)
        }
        let writer = try CairnWriter(path: path, options: options)
        let filler = Tensor(shape: [1 << 20], floats: values)
        for index in 0..<12 { try writer.write(name: "filler.\(index)", role: .parameter, tensor: filler) }
        try writer.write(name: "probe", role: .parameter, tensor: filler)
        for index in 12..<24 { try writer.write(name: "filler.\(index)", role: .parameter, tensor: filler) }
        try writer.commit(manifest: Data("{}".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try (0..<7).map { _ in try time { _ = try CairnReader(path: path).read("probe") } }
    }

    static func loadSource(_ path: String) throws -> ([String], [[Int]], [UInt8]) {
        let meta =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + ".json"))) as! [[Any]]
        let names = meta.map { $0[0] as! String }
        let shapes = meta.map { ($0[1] as! [Any]).map { ($0 as! NSNumber).intValue } }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return (names, shapes, bytes)
    }

    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Resident-set figures from /proc/self (Linux).
enum Memory {
    static func status(_ key: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            return Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]).map { $0 / 1024 } ?? .nan
        }
        return .nan
    }

    static func residentMiB() -> Double { status("VmRSS:") }
    static func peakMiB() -> Double { status("VmHWM:") }
    static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }
}
