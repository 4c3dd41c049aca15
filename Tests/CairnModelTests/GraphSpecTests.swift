import CairnModel
import Foundation
import Testing

@Suite struct GraphSpecTests {
    @Test func perceptronNamesItsNodesAsDocumented() throws {
        let graph = GraphSpec.perceptron(
            inputs: 64, hidden: [32, 16], outputs: 10, activation: .leakyRelu,
            alpha: 0.01, dropout: 0.1, classification: true)
        #expect(
            graph.nodes.map(\.name) == [
                "input", "dense1", "act1", "drop1", "dense2", "act2", "drop2", "dense3", "softmax",
            ])
        let widths = try graph.validate()
        #expect(widths["dense1"] == 32 && widths["dense3"] == 10 && widths["softmax"] == 10)
    }

    @Test func jsonRoundTrips() throws {
        let graph = GraphSpec.perceptron(inputs: 4, hidden: [3], outputs: 2, activation: .tanh, classification: false)
        let data = try JSONEncoder().encode(graph)
        #expect(try JSONDecoder().decode(GraphSpec.self, from: data) == graph)
    }

    @Test(arguments: [
        (#"{"nodes":[]}"#, "has no nodes"),
        (#"{"nodes":[{"name":"a","kind":"input","size":0}]}"#, "size"),
        (
            #"{"nodes":[{"name":"a","kind":"input","size":3},{"name":"b","kind":"dense","inputs":["c"],"units":2}]}"#,
            "not an earlier node"
        ),
        (
            #"{"nodes":[{"name":"a","kind":"input","size":3},{"name":"a","kind":"relu","inputs":["a"]}]}"#,
            "name used twice"
        ),
        (
            #"{"nodes":[{"name":"a","kind":"input","size":3},{"name":"b","kind":"dense","inputs":["a"],"units":2},{"name":"s","kind":"add","inputs":["a","b"]}]}"#,
            "different shapes: 'a' gives [3], 'b' gives [2]"
        ),
        (
            #"{"nodes":[{"name":"a","kind":"input","size":3},{"name":"d","kind":"dropout","inputs":["a"],"rate":1}]}"#,
            "rate"
        ),
        (
            #"{"nodes":[{"name":"a","kind":"input","size":3},{"name":"s","kind":"softmax","inputs":["a"]},{"name":"t","kind":"relu","inputs":["s"]}]}"#,
            "last node"
        ),
    ])
    func invalidGraphsAreRejected(json: String, fragment: String) throws {
        let graph = try JSONDecoder().decode(GraphSpec.self, from: Data(json.utf8))
        #expect { try graph.validate() } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test func schedulesParseAndEvaluate() throws {
        let step = try #require(ScheduleConfig(parsing: "step:2:0.5"))
        #expect(step.rate(base: 1, step: 0, stepsPerEpoch: 10, totalSteps: 100) == 1)
        #expect(step.rate(base: 1, step: 25, stepsPerEpoch: 10, totalSteps: 100) == 0.5)
        #expect(step.rate(base: 1, step: 45, stepsPerEpoch: 10, totalSteps: 100) == 0.25)
        let cosine = try #require(ScheduleConfig(parsing: "warmup:10,cosine"))
        #expect(cosine.rate(base: 1, step: 4, stepsPerEpoch: 10, totalSteps: 110) == 0.5)
        #expect(abs(cosine.rate(base: 1, step: 110, stepsPerEpoch: 10, totalSteps: 110)) < 1e-6)
        #expect(ScheduleConfig(parsing: "cosine").map(\.description) == "cosine")
        #expect(ScheduleConfig(parsing: "step:0:0.5") == nil)
        #expect(ScheduleConfig(parsing: "sideways") == nil)
    }

    @Test func initSchemesParse() {
        #expect(InitScheme(parsing: "constant:0.5") == .constant(0.5))
        #expect(InitScheme(parsing: "he") == .heNormal)
        #expect(InitScheme(parsing: "normal:-1") == nil)
        #expect(InitScheme(parsing: "bogus") == nil)
        #expect(InitScheme(parsing: "zeros")?.isSymmetric == true)
    }
}
