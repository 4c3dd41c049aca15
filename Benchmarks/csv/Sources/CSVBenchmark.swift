import CairnEngine
import Foundation

/// Times `CSVLoader` (the loader `cairn-train --data FILE.csv` uses) on one file: loads it `--reps`
/// times and prints one JSON object with every time, the sample count and width, and the samples'
/// fingerprint (so the runner can check the values against the peers').
///
/// Usage: cairn-bench-csv FILE.csv [--reps N] [--label-column NAME]
@main
struct CSVBenchmark {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let path = arguments.first else {
            FileHandle.standardError.write(
                Data("usage: cairn-bench-csv FILE.csv [--reps N] [--label-column NAME]\n".utf8))
            exit(64)
        }
        arguments.removeFirst()
        var reps = 3
        var labelColumn: String?
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            guard let value = arguments.first else { break }
            arguments.removeFirst()
            if flag == "--reps", let n = Int(value) { reps = n }
            if flag == "--label-column" { labelColumn = value }
        }
        let loader = CSVLoader(labelColumn: labelColumn)
        var seconds: [Double] = []
        var last: Dataset?
        for _ in 0..<max(reps, 1) {
            last = nil
            let start = DispatchTime.now().uptimeNanoseconds
            let data = try loader.load(path: path)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            last = data
        }
        let object: [String: Any] = [
            "seconds": seconds, "samples": last?.count ?? 0, "width": last?.width ?? 0,
            "fingerprint": last?.fingerprint ?? "",
        ]
        print(
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
    }
}
