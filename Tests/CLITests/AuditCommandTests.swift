import CairnModel
import Foundation
import Testing

@Suite(.serialized) struct AuditCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func layers(_ object: [String: Any]) -> [[String: Any]] { object["layers"] as? [[String: Any]] ?? [] }

    func train(_ label: String, _ flags: [String]) throws -> String {
        let out = ToolRunner.temporaryFolder(label) + "/run"
        let result = try ToolRunner.run("cairn-train", ["--out", out, "--quiet"] + flags)
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    @Test func constantInitialisationIsFoundBeforeAndAfterTrainingAndRepaired() throws {
        let run = try train("audit-constant", ["--epochs", "2", "--init", "constant:0.1", "--hidden", "32,16"])
        // After training the rows may differ by float rounding (blocked products round row blocks differently):
        // a tolerance far below any real difference joins them.
        for (file, tolerance) in [("init.cairn", "0"), ("latest.cairn", "1e-5")] {
            let result = try ToolRunner.run("cairn-audit", ["\(run)/\(file)", "--json", "--tolerance", tolerance])
            #expect(result.status == 1, "\(file): \(result.stderr)")
            let report = try json(result.stdout)
            let hidden = layers(report).filter { ($0["name"] as? String) != "dense3" }
            #expect(hidden.map { $0["distinct_units"] as? Int } == [1, 1], "\(file)")
            #expect(hidden.allSatisfy { (($0["groups"] as? [[String: Any]])?.first?["kind"] as? String) == "locked" })
            #expect(report["symmetric_units"] as? Int ?? 0 >= 48)
            for key in [
                "name", "units", "distinct_units", "groups", "weight_std", "he_std", "xavier_std",
                "activation_mean", "activation_std", "dead_fraction", "gradient_norm",
            ] {
                #expect(layers(report).first?[key] != nil, "missing \(key)")
            }
        }
        // The text names the group and the constant.
        let text = try ToolRunner.run("cairn-audit", ["\(run)/init.cairn", "--no-signal"])
        #expect(text.stdout.contains("dense1: locked 0-31 (32 units)"))
        #expect(text.stdout.contains("dense1.weight: every element is 0.1 (constant-initialised)"))
        // With the baseline, the symmetry was there from the start.
        let baseline = try ToolRunner.run(
            "cairn-audit",
            [
                "\(run)/latest.cairn", "--baseline", "\(run)/init.cairn", "--json",
                "--tolerance", "1e-5",
            ])
        let groups = layers(try json(baseline.stdout)).first?["groups"] as? [[String: Any]]
        #expect(groups?.first?["origin"] as? String == "initial")

        // Repair, then resume: the units train apart and the audit comes back clean.
        let repaired = ToolRunner.temporaryFolder("audit-repaired") + "/repaired.cairn"
        let repair = try ToolRunner.run(
            "cairn-audit",
            [
                "\(run)/latest.cairn", "--repair", repaired, "--seed", "3",
                "--tolerance", "1e-5",
            ])
        #expect(repair.status == 1)
        #expect(repair.stdout.contains("repaired: \(repaired)"))
        #expect(try ToolRunner.run("cairn-audit", [repaired, "--no-signal"]).status == 0)
        #expect(try ToolRunner.run("cairn-inspect", [repaired, "--verify"]).status == 0)
        let resumed = ToolRunner.temporaryFolder("audit-resumed") + "/run"
        let resume = try ToolRunner.run("cairn-resume", [repaired, "--epochs", "5", "--out", resumed, "--quiet"])
        #expect(resume.status == 0, "\(resume.stderr)")
        let after = try ToolRunner.run("cairn-audit", ["\(resumed)/latest.cairn", "--json"])
        #expect(after.status == 0, "\(after.stdout)")
        #expect(try json(after.stdout)["symmetric_units"] as? Int == 0)
        let history = try Checkpoint.load(from: "\(resumed)/latest.cairn").manifest.history
        #expect(history.contains { $0.note?.contains("cairn-audit --repair") == true })
    }

    /// conv2d 1->4 3x3 on [1, 8, 8], relu, max-pool 2, conv2d 4->6 3x3, relu, flatten, dense 10, softmax.
    static let convolutionGraph = """
        {"nodes": [
          {"name": "input", "kind": "input", "shape": [1, 8, 8]},
          {"name": "conv1", "kind": "conv2d", "inputs": ["input"], "channels": 4, "kernel": 3},
          {"name": "act1", "kind": "relu", "inputs": ["conv1"]},
          {"name": "pool1", "kind": "max-pool", "inputs": ["act1"], "kernel": 2},
          {"name": "conv2", "kind": "conv2d", "inputs": ["pool1"], "channels": 6, "kernel": 3},
          {"name": "act2", "kind": "relu", "inputs": ["conv2"]},
          {"name": "flat", "kind": "flatten", "inputs": ["act2"]},
          {"name": "dense", "kind": "dense", "inputs": ["flat"], "units": 10},
          {"name": "softmax", "kind": "softmax", "inputs": ["dense"]}
        ]}
        """

    @Test func constantConvolutionsAreLockedFiltersAndHeIsClean() throws {
        let folder = ToolRunner.temporaryFolder("audit-conv")
        let graph = folder + "/conv.json"
        try Data(Self.convolutionGraph.utf8).write(to: URL(fileURLWithPath: graph))
        let data = ["--model", graph, "--data", "Fixtures/datasets/digits.csv", "--epochs", "1"]
        let run = try train("audit-conv-constant", data + ["--init", "constant:0.1"])
        let result = try ToolRunner.run("cairn-audit", ["\(run)/init.cairn", "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let convolutions = layers(try json(result.stdout)).filter { $0["kind"] as? String == "conv2d" }
        #expect(convolutions.map { $0["name"] as? String } == ["conv1", "conv2"])
        #expect(convolutions.map { $0["distinct_units"] as? Int } == [1, 1])
        #expect(convolutions.map { $0["inputs"] as? Int } == [9, 36])
        for layer in convolutions {
            let groups = layer["groups"] as? [[String: Any]] ?? []
            #expect(groups.count == 1 && groups.first?["kind"] as? String == "locked")
            #expect((groups.first?["units"] as? [Int])?.count == layer["units"] as? Int)
            #expect(layer["dead_fraction"] != nil && layer["gradient_norm"] != nil)
        }
        // --repair gives all but one filter per group fresh weights; the repaired file has no symmetric filters.
        let repaired = folder + "/repaired.cairn"
        let repair = try ToolRunner.run("cairn-audit", ["\(run)/init.cairn", "--repair", repaired, "--no-signal"])
        #expect(repair.status == 1)
        #expect(repair.stdout.contains("conv1: locked 0-3 (4 filters)"))
        #expect(repair.stdout.contains("repaired: \(repaired) (8 units given fresh incoming weights)"))
        #expect(repair.stdout.contains("not repaired: dense: 1 group(s): its units feed the loss"))
        let after = try ToolRunner.run("cairn-audit", [repaired, "--json", "--no-signal"])
        #expect(layers(try json(after.stdout)).prefix(2).allSatisfy { ($0["groups"] as? [Any])?.isEmpty == true })
        #expect(try ToolRunner.run("cairn-inspect", [repaired, "--verify"]).status == 0)

        let he = try train("audit-conv-he", data)
        let clean = try ToolRunner.run("cairn-audit", ["\(he)/init.cairn"])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("no findings"))
    }

    @Test func heInitialisationAuditsClean() throws {
        let run = try train("audit-he", ["--epochs", "1"])
        let result = try ToolRunner.run("cairn-audit", ["\(run)/init.cairn"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("no findings"))
    }

    @Test func trainJSONCarriesTheInitialAudit() throws {
        let out = ToolRunner.temporaryFolder("audit-train-json") + "/run"
        let result = try ToolRunner.run(
            "cairn-train", ["--out", out, "--epochs", "1", "--init", "normal:0.001", "--json"])
        #expect(result.status == 0)
        let audit = try #require(try json(result.stdout)["audit"] as? [String: Any])
        #expect((audit["findings"] as? [String])?.contains { $0.contains("too small") } == true)
        #expect(result.stderr.contains("audit: dense1.weight: std"))
    }

    @Test func safetensorsExportIsAuditedWithItsGraph() throws {
        let run = try train("audit-st", ["--epochs", "1", "--init", "constant:0.2"])
        let file = ToolRunner.temporaryFolder("audit-st-file") + "/model.safetensors"
        #expect(try ToolRunner.run("cairn-convert", ["\(run)/init.cairn", file, "--parameters-only"]).status == 0)
        let result = try ToolRunner.run("cairn-audit", [file, "--json"])
        #expect(result.status == 1)
        let report = try json(result.stdout)
        #expect(report["format"] as? String == "safetensors")
        #expect(["metadata", "restored", "inferred"].contains(report["graph_origin"] as? String ?? "none"))
        #expect(layers(report).first?["distinct_units"] as? Int == 1)
    }

    @Test func troubleAndUsage() throws {
        let folder = ToolRunner.temporaryFolder("audit-errors")
        let missing = try ToolRunner.run("cairn-audit", [folder + "/none.cairn"])
        #expect(missing.status == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(missing.stderr.contains("none.cairn"))
        try Data("not a checkpoint at all".utf8).write(to: URL(fileURLWithPath: folder + "/junk.cairn"))
        let junk = try ToolRunner.run("cairn-audit", [folder + "/junk.cairn"])
        #expect(junk.status == 2)
        #expect(junk.stderr.contains("junk.cairn"))
        #expect(try ToolRunner.run("cairn-audit", [folder + "/junk.cairn", "--tolerance", "abc"]).status == 64)
        #expect(try ToolRunner.run("cairn-audit", [folder + "/junk.cairn", "--tolerance=-1"]).status == 64)
        let run = try train("audit-errors-run", ["--epochs", "1"])
        let same = try ToolRunner.run("cairn-audit", ["\(run)/init.cairn", "--repair", "\(run)/init.cairn"])
        #expect(same.status == 2)
        #expect(same.stderr.contains("must write a new file"))
        // latest.cairn is a link to epoch-0001.cairn: repairing one into the other is overwriting the input too.
        let linked = try ToolRunner.run("cairn-audit", ["\(run)/latest.cairn", "--repair", "\(run)/epoch-0001.cairn"])
        #expect(linked.status == 2)
        #expect(linked.stderr.contains("must write a new file"))
        let badData = try ToolRunner.run("cairn-audit", ["\(run)/init.cairn", "--data", folder + "/none.csv"])
        #expect(badData.status == 2)
        #expect(badData.stderr.contains("none.csv"))
        #expect(badData.stdout.isEmpty)
    }
}
