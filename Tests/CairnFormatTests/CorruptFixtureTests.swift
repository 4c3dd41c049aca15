import CairnFormat
import Foundation
import Testing

/// Every file in `Fixtures/corrupt/` fails with the error kind `expected-errors.json` names, at the stage
/// it names (opening, or verifying/reading), without crashing; `Fixtures/compat/` files from a later
/// minor version read fine.
@Suite struct CorruptFixtureTests {
    struct Expectation: Decodable, Sendable, CustomTestStringConvertible {
        var file = ""
        var kind: String
        var stage: String
        var tensor: String?
        var chunk: Int?
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = {
        let url = TestSupport.fixture("corrupt/expected-errors.json")
        guard let data = try? Data(contentsOf: url),
            let table = try? JSONDecoder().decode([String: Expectation].self, from: data)
        else { return [] }
        return table.map { name, value in
            var expectation = value
            expectation.file = name
            return expectation
        }.sorted { $0.file < $1.file }
    }()

    @Test func everyCorruptFixtureHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.fixture("corrupt").path).filter {
            $0.hasSuffix(".cairn")
        }
        #expect(files.count >= 30)
        #expect(Set(files) == Set(Self.expectations.map(\.file)))
    }

    @Test(arguments: expectations)
    func corruptFixtureFailsWithTheRightError(expectation: Expectation) throws {
        let path = TestSupport.fixture("corrupt/" + expectation.file).path
        let error = try firstError(path: path, expectation: expectation)
        #expect(error.code.name == expectation.kind, "\(expectation.file): \(error)")
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(!error.description.contains("\n"))
        if let tensor = expectation.tensor { #expect(error.tensor == tensor) }
        if let chunk = expectation.chunk { #expect(error.chunk == chunk) }
    }

    /// Opens the file, then verifies and reads every tensor; returns the first error and checks the stage.
    private func firstError(path: String, expectation: Expectation) throws -> CairnError {
        let reader: CairnReader
        do {
            reader = try CairnReader(path: path)
        } catch let thrown as CairnError {
            #expect(expectation.stage == "open", "\(expectation.file) failed to open: \(thrown)")
            return thrown
        }
        #expect(expectation.stage == "verify", "\(expectation.file) opened but should fail to open")
        let readError = try #require(throws: CairnError.self) {
            for info in reader.tensors { _ = try reader.read(info.name) }
        }
        #expect(readError.code.name == expectation.kind)
        return try #require(reader.verify().first, "\(expectation.file): verify found nothing")
    }

    /// `Fixtures/compat/expected.json`: per file, the manifest, the tensor order and each tensor's dtype,
    /// shape, role and values (numbers, or "nan", "inf", "-inf").
    /// Read on each use: `[String: Any]` is not Sendable, so it cannot be a shared constant.
    static var compatExpectations: [String: [String: Any]] {
        let url = TestSupport.fixture("compat/expected.json")
        guard let data = try? Data(contentsOf: url),
            let table = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [:] }
        return table
    }

    @Test func everyCompatFixtureHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.fixture("compat").path).filter {
            $0.hasSuffix(".cairn")
        }
        #expect(files.count >= 4)
        #expect(Set(files) == Set(Self.compatExpectations.keys))
    }

    @Test(arguments: compatExpectations.keys.sorted())
    func compatFixtureReadsAsExpected(file: String) throws {
        let expected = try #require(Self.compatExpectations[file])
        let reader = try CairnReader(path: TestSupport.fixture("compat/" + file).path)
        #expect(reader.verify().isEmpty)
        let manifest = try JSONSerialization.jsonObject(with: reader.manifest) as? NSDictionary
        #expect(manifest == (expected["manifest"] as? NSDictionary), "\(file): manifest")
        #expect(reader.tensors.map(\.name) == (expected["order"] as? [String]), "\(file): order")
        let tensors = try #require(expected["tensors"] as? [String: [String: Any]])
        for (name, want) in tensors {
            let info = try #require(reader.info(named: name), "\(file): \(name) missing")
            #expect(info.dtype.name == want["dtype"] as? String, "\(file): \(name) dtype")
            #expect(info.shape == want["shape"] as? [Int], "\(file): \(name) shape")
            #expect(info.role.rawValue == want["role"] as? String, "\(file): \(name) role")
            let values = try #require(want["values"] as? [Any]).map { value -> Double in
                switch value as? String {
                case "nan": return .nan
                case "inf": return .infinity
                case "-inf": return -.infinity
                default: return (value as? NSNumber)?.doubleValue ?? .nan
                }
            }
            let got = try reader.read(name).doubles()
            #expect(
                got.count == values.count && zip(got, values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                "\(file): \(name) values")
        }
    }

    @Test func laterMinorVersionWithOptionalSectionAndEntryExtensionReads() throws {
        let reader = try CairnReader(
            path: TestSupport.fixture("compat/minor1-optional-section-and-entry-extension.cairn").path)
        #expect(reader.version == FormatVersion(major: 1, minor: 1))
        #expect(reader.manifest == Data(#"{"fixture":"compat"}"#.utf8))
        #expect(try reader.read("w").floats() == [1, -2.5, 0.125, 3])
        #expect(reader.verify().isEmpty)
    }
}
