import CairnGoldenFiles
import Foundation

// Writes fixture files the tests read. A script for maintainers, not a test and not a Cairn tool.
//
//   swift run cairn-fixtures golden Fixtures/checkpoints   # regenerate the golden files (new format version only)
//   swift run cairn-fixtures golden /tmp/cairn-export      # fresh files for the reference reader:
//   python3 Formats/reference_reader.py --expect /tmp/cairn-export/expected.json /tmp/cairn-export/*.cairn

let usage = "usage: cairn-fixtures golden DIRECTORY   (writes the golden .cairn files and expected.json)"
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, arguments[0] == "golden" else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}
let directory = URL(fileURLWithPath: arguments[1])
do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try GoldenFixtures.write(to: directory)
    let names = try GoldenFixtures.files.map(\.name) + ["expected.json"]
    print("wrote \(names.joined(separator: ", ")) in \(directory.path)")
} catch {
    FileHandle.standardError.write(Data("cairn-fixtures: \(directory.path): \(error)\n".utf8))
    exit(2)
}
