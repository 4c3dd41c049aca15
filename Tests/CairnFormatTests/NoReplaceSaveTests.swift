import CairnFormat
import Foundation
import Testing

/// `replacesExisting = false`: a file already at the path when the save commits is kept whole.
@Suite struct NoReplaceSaveTests {
    @Test func aFileThatAppearedMeanwhileIsKept() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.cairn")
        var options = TestSupport.smallFileOptions
        options.replacesExisting = false
        let writer = try CairnWriter(path: url.path, options: options)
        try writer.write(name: "w", role: .parameter, tensor: Tensor(shape: [4], floats: [1, 2, 3, 4]))
        // Another process saves the same path first.
        let first = try TestSupport.write(
            try TestSupport.smallFileTensors(), to: url, options: TestSupport.smallFileOptions)
        let error = try #require(throws: CairnError.self) { try writer.commit(manifest: Data("{}".utf8)) }
        #expect(error.code == .alreadyExists)
        #expect(error.description.hasPrefix(url.path + ": already exists"))
        #expect([UInt8](try Data(contentsOf: url)) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.cairn"])
    }

    @Test func aFreePathIsWritten() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.cairn")
        var options = TestSupport.smallFileOptions
        options.replacesExisting = false
        let bytes = try TestSupport.write(try TestSupport.smallFileTensors(), to: url, options: options)
        #expect(try CairnReader(path: url.path).verify().isEmpty && !bytes.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.cairn"])
    }
}
