import CairnFormat
import CairnModel
import Foundation
import Testing
@testable import CairnInspect

@Suite struct ReportTests {
    @Test func sparklineScalesBetweenMinimumAndMaximum() {
        #expect(Sparkline.render([1, 0.5, 0]) == "█▅▁" || Sparkline.render([1, 0.5, 0]) == "█▄▁")
        #expect(Sparkline.render([nil, 2, 2]) == " ▅▅")
        #expect(Sparkline.render((0..<100).map { Double($0) }, width: 10).count == 10)
        #expect(Sparkline.render([]) == "")
    }

    @Test func containerWithoutTrainingManifest() throws {
        let report = InspectionReport(
            reader: try CairnReader(path: TestFiles.fixture("Fixtures/checkpoints/golden-dtypes.cairn")))
        #expect(report.manifestKind == .other)
        #expect(report.manifestNote?.contains("not a training checkpoint") == true)
        #expect(report.tensors.count == 9 && report.graph == nil && report.training == nil)
        #expect(report.text().contains("dtype.bf16"))
    }

    @Test func verificationNamesTheDamagedTensor() throws {
        let folder = TestFiles.folder("verify")
        try TestFiles.writeAllDTypes(to: "\(folder)/a.cairn", shape: [100])
        #expect(VerificationReport.verify(path: "\(folder)/a.cairn").sound)
        let reader = try CairnReader(path: "\(folder)/a.cairn")
        let chunk = try #require(reader.info(named: "t.i32")?.chunks.first)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/a.cairn"))
        bytes[Int(chunk.offset) + 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/b.cairn"))
        let report = VerificationReport.verify(path: "\(folder)/b.cairn")
        #expect(!report.sound && report.opened)
        #expect(report.damagedTensors == ["t.i32"])
        #expect(report.problems.first?.offset == chunk.offset)
        try bytes.prefix(bytes.count - 7).write(to: URL(fileURLWithPath: "\(folder)/c.cairn"))
        let truncated = VerificationReport.verify(path: "\(folder)/c.cairn")
        #expect(!truncated.sound && !truncated.opened && truncated.problems.first?.kind == "truncated")
    }

    @Test func svgHasABoxPerNodeAndAnArrowPerEdge() throws {
        let nodes = [
            InspectionReport.Node(name: "input", kind: "input", inputs: [], width: 4, parameters: 0),
            InspectionReport.Node(name: "d1", kind: "dense", inputs: ["input"], width: 4, parameters: 20),
            InspectionReport.Node(name: "a<1>", kind: "relu", inputs: ["d1"], width: 4, parameters: 0),
            InspectionReport.Node(name: "skip", kind: "add", inputs: ["input", "a<1>"], width: 4, parameters: 0),
        ]
        #expect(GraphDrawing.layers(nodes) == [0, 1, 2, 3])
        let svg = GraphDrawing.svg(nodes, title: "t")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 4)
        #expect(svg.components(separatedBy: "marker-end").count - 1 == 4)
        #expect(svg.contains("a&lt;1&gt;") && !svg.contains("a<1>"))
        #expect(svg.contains("<path d=\"M"))  // the skip connection curves around the middle layers
        let dot = GraphDrawing.dot(nodes, title: "t")
        #expect(dot.contains("\"input\" -> \"skip\";"))
    }

    @Test func tensorReportStatisticsAndSlice() throws {
        let tensor = Tensor(shape: [2, 3], floats: [0, 1, -2, .nan, .infinity, 0.5])
        let info = TensorInfo(
            name: "x", dtype: .f32, shape: [2, 3], role: .parameter,
            statistics: tensor.bytes.withUnsafeBytes { TensorStatistics(dtype: .f32, bytes: $0) }, chunks: [])
        let report = TensorReport(info: info, tensor: tensor, slice: 1..<100)
        #expect(report.statistics.min == -2 && report.statistics.max == 1)
        #expect(report.statistics.nan == 1 && report.statistics.inf == 1 && report.statistics.zeros == 1)
        #expect(report.statisticsMatch)
        #expect(report.sliceStart == 1 && report.sliceEnd == 6 && report.values.count == 5)
        let json = try ReportJSON.text(report)
        #expect(json.contains("\"nan\"") && json.contains("\"inf\""))
    }
}

@Suite struct ForeignManifestTests {
    @Test func fieldsOfOtherTypesDoNotHideTheRest() throws {
        let folder = TestFiles.folder("foreign")
        try TestFiles.writeAllDTypes(
            to: "\(folder)/f.cairn", shape: [2], manifest: #"{"creator": "someone", "metadata": {"n": 3}, "graph": 7}"#)
        let report = InspectionReport(reader: try CairnReader(path: "\(folder)/f.cairn"))
        #expect(
            report.creator == "someone" && report.metadata == nil && report.graph == nil
                && report.manifestKind == .other)
    }
}
