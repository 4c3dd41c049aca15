import CairnFormat
import Foundation
import Testing

/// cairn-convert end to end: both directions, metadata, roles, refusals, hostile input.
@Suite struct ConvertCommandTests {
    static var checkpoint: String { InspectCommandTests.checkpoint }

    func tensors(_ path: String) throws -> [String: [UInt8]] {
        let reader = try CairnReader(path: path)
        return Dictionary(uniqueKeysWithValues: try reader.tensors.map { ($0.name, try reader.read($0.name).bytes) })
    }

    @Test func cairnToSafetensorsAndBackIsTheSameFile() throws {
        let folder = ToolRunner.temporaryFolder("convert-st")
        let out = try ToolRunner.run("cairn-convert", [Self.checkpoint, "\(folder)/m.safetensors"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("wrote \(folder)/m.safetensors: 8 tensors"))
        let back = try ToolRunner.run("cairn-convert", ["\(folder)/m.safetensors", "\(folder)/m.cairn", "--json"])
        #expect(back.status == 0, "\(back.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(back.stdout.utf8)) as? [String: Any])
        #expect(report["graph"] as? String == "restored" && report["tensors"] as? Int == 8)
        for key in [
            "input", "output", "input_format", "output_format", "tensors", "skipped", "bytes", "output_bytes",
            "seconds", "notices",
        ] {
            #expect(report[key] != nil, "missing \(key)")
        }
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: "\(folder)/m.cairn"))
                == Data(contentsOf: URL(fileURLWithPath: Self.checkpoint)))
    }

    @Test func parametersOnlyImportGetsAModelManifestThatResumeRefuses() throws {
        let folder = ToolRunner.temporaryFolder("convert-model")
        for format in ["safetensors", "npz"] {
            #expect(
                try ToolRunner.run(
                    "cairn-convert", [Self.checkpoint, "\(folder)/p.\(format)", "--parameters-only", "--quiet"]
                ).status == 0)
            let imported = try ToolRunner.run(
                "cairn-convert", ["\(folder)/p.\(format)", "\(folder)/p-\(format).cairn", "--activation", "leaky-relu"])
            #expect(imported.status == 0, "\(imported.stderr)")
            let manifest = try #require(
                try JSONSerialization.jsonObject(with: CairnReader(path: "\(folder)/p-\(format).cairn").manifest)
                    as? [String: Any])
            #expect(
                Set(manifest.keys).isSuperset(of: [
                    "creator", "created", "source", "source_format", "graph", "task", "metadata",
                ]))
            #expect(manifest["task"] as? String == "classification")
            let original = try tensors(Self.checkpoint)
            for (name, bytes) in try tensors("\(folder)/p-\(format).cairn") { #expect(original[name] == bytes) }
            let inspect = try ToolRunner.run("cairn-inspect", ["\(folder)/p-\(format).cairn"])
            #expect(
                inspect.stdout.contains("model without training state") && inspect.stdout.contains("4,810 parameters"))
            let resume = try ToolRunner.run("cairn-resume", ["\(folder)/p-\(format).cairn", "--out", "\(folder)/r"])
            #expect(resume.status == 2 && resume.stderr.contains("not a Cairn training checkpoint"), "\(resume.stderr)")
        }
    }

    @Test func npzRoundTripKeepsEveryTensor() throws {
        let folder = ToolRunner.temporaryFolder("convert-npz")
        #expect(try ToolRunner.run("cairn-convert", [Self.checkpoint, "\(folder)/m.npz"]).status == 0)
        #expect(try ToolRunner.run("cairn-convert", ["\(folder)/m.npz", "\(folder)/m.cairn"]).status == 0)
        #expect(try tensors("\(folder)/m.cairn") == tensors(Self.checkpoint))
        let roles = try CairnReader(path: "\(folder)/m.cairn").tensors.map { "\($0.name)=\($0.role.rawValue)" }
        #expect(roles.contains("dense1.weight.momentum=optimizer") && roles.contains("dense1.weight=parameter"))
    }

    @Test func damagedLastTensorFailsWithoutLeavingOutput() throws {
        let folder = ToolRunner.temporaryFolder("convert-damaged")
        let reader = try CairnReader(path: Self.checkpoint)
        let last = try #require(reader.tensors.last)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.checkpoint))
        bytes[Int(try #require(last.chunks.first).offset) + 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/damaged.cairn"))
        for output in ["out.safetensors", "out.npz"] {
            let result = try ToolRunner.run("cairn-convert", ["\(folder)/damaged.cairn", "\(folder)/\(output)"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(folder)/damaged.cairn: tensor \(last.name)"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["damaged.cairn"])
    }

    @Test func givenModelAndRegression() throws {
        let folder = ToolRunner.temporaryFolder("convert-given")
        let graph =
            #"{"nodes":[{"name":"input","kind":"input","size":4},{"name":"0","kind":"dense","inputs":["input"],"units":3},{"name":"t","kind":"tanh","inputs":["0"]},{"name":"2","kind":"dense","inputs":["t"],"units":2}]}"#
        try graph.write(toFile: "\(folder)/g.json", atomically: true, encoding: .utf8)
        let given = try ToolRunner.run(
            "cairn-convert",
            [
                "Fixtures/interop/torch-sequential.safetensors", "\(folder)/g.cairn", "--model", "\(folder)/g.json",
                "--json",
            ])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(given.stdout.contains("\"graph\" : \"given\""))
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: CairnReader(path: "\(folder)/g.cairn").manifest) as? [String: Any])
        #expect(manifest["task"] as? String == "regression")
        try
            #"{"nodes":[{"name":"input","kind":"input","size":5},{"name":"0","kind":"dense","inputs":["input"],"units":3}]}"#
            .write(toFile: "\(folder)/bad.json", atomically: true, encoding: .utf8)
        let bad = try ToolRunner.run(
            "cairn-convert",
            ["Fixtures/interop/torch-sequential.safetensors", "\(folder)/b.cairn", "--model", "\(folder)/bad.json"])
        #expect(
            bad.status == 2 && bad.stderr.contains("0.weight has shape [3, 4], the graph needs [3, 5]"), "\(bad.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/b.cairn"))
    }

    @Test func refusalsAndUsage() throws {
        let folder = ToolRunner.temporaryFolder("convert-usage")
        try Data([1]).write(to: URL(fileURLWithPath: "\(folder)/exists.safetensors"))
        let exists = try ToolRunner.run("cairn-convert", [Self.checkpoint, "\(folder)/exists.safetensors"])
        #expect(exists.status == 2 && exists.stderr.contains("--force"))
        #expect(
            try ToolRunner.run(
                "cairn-convert", [Self.checkpoint, "\(folder)/exists.safetensors", "--force", "--quiet"]
            ).status == 0)
        #expect(try ToolRunner.run("cairn-convert", [Self.checkpoint, "\(folder)/x.h5"]).status == 64)
        #expect(
            try ToolRunner.run(
                "cairn-convert", ["\(folder)/exists.safetensors", "\(folder)/y.cairn", "--parameters-only"]
            ).status == 64)
        #expect(
            try ToolRunner.run("cairn-convert", [Self.checkpoint, "\(folder)/y.npz", "--task", "regression"]).status
                == 64)
    }

    @Test(arguments: [
        (
            "header-length-beyond-file.safetensors", [UInt8]([0xFF, 0xFF, 0, 0, 0, 0, 0, 0]) + Array("{}".utf8),
            "runs past the end"
        ),
        ("non-json-header.safetensors", [UInt8]([4, 0, 0, 0, 0, 0, 0, 0]) + Array("{{{{".utf8), "not UTF-8 JSON"),
        ("not-a-zip.npz", Array("definitely not a zip archive, no".utf8), "ZIP"),
        (
            "not-cairn.cairn", Array("definitely not a cairn file at all, no, not at all, really".utf8),
            "not a Cairn file"
        ),
    ])
    func hostileInputIsOneLineExitTwoNothingLeft(name: String, bytes: [UInt8], fragment: String) throws {
        let folder = ToolRunner.temporaryFolder("convert-hostile")
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
        let output = name.hasSuffix(".cairn") ? "\(folder)/out.safetensors" : "\(folder)/out.cairn"
        let result = try ToolRunner.run("cairn-convert", ["\(folder)/\(name)", output])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("cairn-convert: \(folder)/\(name): "), "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [name])
    }
}

extension ConvertCommandTests {
    @Test func classificationNeedsASoftmaxHead() throws {
        let folder = ToolRunner.temporaryFolder("convert-task")
        try
            #"{"nodes":[{"name":"input","kind":"input","size":4},{"name":"0","kind":"dense","inputs":["input"],"units":3},{"name":"t","kind":"tanh","inputs":["0"]},{"name":"2","kind":"dense","inputs":["t"],"units":2}]}"#
            .write(toFile: "\(folder)/g.json", atomically: true, encoding: .utf8)
        let result = try ToolRunner.run(
            "cairn-convert",
            [
                "Fixtures/interop/torch-sequential.safetensors", "\(folder)/m.cairn",
                "--model", "\(folder)/g.json", "--task", "classification",
            ])
        #expect(result.status == 2 && result.stderr.contains("needs a graph that ends in softmax"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["g.json"])
    }
}
