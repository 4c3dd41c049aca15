import CairnFormat
import Foundation
import Testing

@Suite struct AtomicSaveTests {
    static let tensor = Tensor(shape: [1000], floats: TestSupport.weights(count: 1000, seed: 21))

    static func entries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test(
        arguments: [
            FaultInjection(byteBudget: 0), FaultInjection(byteBudget: 100), FaultInjection(byteBudget: 3000),
            FaultInjection(failSync: true), FaultInjection(failRename: true),
        ], [6, 0])
    func injectedFailureLeavesOldFileAndNoTemporary(fault: FaultInjection, level: Int) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.cairn")
        let old = try TestSupport.write([("old", Tensor(shape: [1], floats: [1]))], to: url)
        var options = WriteOptions(chunkSize: 512, level: level)
        options.faultInjection = fault
        let error = try #require(throws: CairnError.self) {
            let writer = try CairnWriter(path: url.path, options: options)
            try writer.write(name: "new", role: .parameter, tensor: Self.tensor)
            try writer.commit(manifest: Data("{}".utf8))
        }
        #expect(error.code == .io, "expected an I/O error, got \(error)")
        #expect(error.message.contains("fault injection"))
        #expect(error.cause is SystemCallError)
        #expect(try [UInt8](Data(contentsOf: url)) == old)
        #expect(try Self.entries(directory) == ["model.cairn"])
    }

    /// A writer killed mid-save leaves `.NAME.tmp-PID-...`; the next save of the same file removes it once that
    /// process is gone, and leaves a live writer's temporary file and other files' alone.
    @Test func aKilledWritersTemporaryFileIsRemovedByTheNextSave() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = gone.processIdentifier, alive = getppid()
        let names = [
            ".model.cairn.tmp-\(dead)-1f", ".model.cairn.tmp-\(alive)-2e", ".other.cairn.tmp-\(dead)-3d",
            ".latest.cairn.\(dead).tmp",
        ]
        for name in names {
            #expect(FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil))
        }
        _ = try TestSupport.write([("new", Self.tensor)], to: directory.appendingPathComponent("model.cairn"))
        #expect(
            try Self.entries(directory)
                == [
                    ".latest.cairn.\(dead).tmp", ".model.cairn.tmp-\(alive)-2e", ".other.cairn.tmp-\(dead)-3d",
                    "model.cairn",
                ]
                .sorted())
        #expect(
            StaleTemporaries.remove(in: directory.path).sorted() == [
                ".latest.cairn.\(dead).tmp", ".other.cairn.tmp-\(dead)-3d",
            ])
        #expect(try Self.entries(directory) == [".model.cairn.tmp-\(alive)-2e", "model.cairn"])
    }

    @Test func abortAndDeinitRemoveTheTemporaryFile() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.cairn")
        let writer = try CairnWriter(path: url.path)
        try writer.write(name: "w", role: .parameter, tensor: Self.tensor)
        #expect(try Self.entries(directory).count == 1)
        writer.abort()
        #expect(try Self.entries(directory).isEmpty)
        do {
            let abandoned = try CairnWriter(path: url.path)
            try abandoned.write(name: "w", role: .parameter, tensor: Self.tensor)
        }
        #expect(try Self.entries(directory).isEmpty)
    }

    @Test func commitReplacesTheOldFile() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.cairn")
        try TestSupport.write([("old", Tensor(shape: [1], floats: [1]))], to: url)
        try TestSupport.write([("new", Self.tensor)], to: url)
        let reader = try CairnReader(path: url.path)
        #expect(reader.tensors.map(\.name) == ["new"])
        #expect(try Self.entries(directory) == ["model.cairn"])
    }

    @Test func missingDirectoryIsAnIOError() throws {
        let error = try #require(throws: CairnError.self) {
            try CairnWriter(path: "/nonexistent-dir-\(UUID())/m.cairn")
        }
        #expect(error.code == .io, "expected io, got \(error)")
        #expect((error.cause as? SystemCallError)?.errno == ENOENT)
    }
}
