import CairnModel
import Foundation
import Testing

@testable import CairnEngine

/// Cairn's convolution, pooling and batch-normalization kernels against PyTorch: outputs and gradients
/// that `Tests/EndToEnd/make_conv_references.py` recorded with torch.nn.functional in
/// `Fixtures/kernels/torch-references.json`, within 1e-5 relative.
@Suite("Kernels against PyTorch")
struct TorchReferenceTests {
    typealias Support = KernelTestSupport

    /// `padding` in a case: "same" or one number per spatial axis.
    enum Padding: Decodable {
        case same
        case amounts([Int])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self), text == "same" {
                self = .same
            } else {
                self = .amounts(try container.decode([Int].self))
            }
        }
    }

    struct Reference: Decodable, CustomTestStringConvertible, Sendable {
        var name: String
        var op: String
        var input: [Int]
        var outChannels: Int?
        var kernel: [Int]?, stride: [Int]?, dilation: [Int]?
        var paddingValue: Padding?
        var bias: Bool?
        var outputShape: [Int]
        var y: [Float], dx: [Float]
        var dw: [Float]?, db: [Float]?, dgamma: [Float]?, dbeta: [Float]?
        var runningMean: [Float]?, runningVar: [Float]?
        var indices: [Int]?
        var training: Bool?
        var momentum: Float?, eps: Float?

        enum CodingKeys: String, CodingKey {
            case name, op, input, kernel, stride, dilation, bias, y, dx, dw, db, dgamma, dbeta, indices, training
            case momentum, eps
            case outChannels = "out_channels"
            case paddingValue = "padding"
            case outputShape = "output_shape"
            case runningMean = "running_mean"
            case runningVar = "running_var"
        }

        var testDescription: String { name }
        var batch: Int { input[0] }
        var count: Int { input.reduce(1, *) }
        var isOneDimensional: Bool { input.count == 3 }
    }

    struct File: Decodable {
        var cases: [Reference]
    }

    static let references: [Reference] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/kernels/torch-references.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else {
            return []
        }
        return file.cases
    }()

    /// The generator's inputs: `((i * 37 + seed * 101) % 199 - 99) / scale`, exact in Float.
    static func pattern(_ count: Int, _ seed: Int, scale: Float = 128) -> [Float] {
        (0..<count).map { Float((($0 * 37 + seed * 101) % 199) - 99) / scale }
    }

    static func expectClose(_ actual: [Float], _ expected: [Float]?, _ what: String, _ reference: Reference) {
        guard let expected else {
            Issue.record("\(reference.name): the fixture has no \(what)")
            return
        }
        let error = Support.relativeError(actual, expected)
        #expect(error < 1e-5, "\(reference.name): \(what) differs from PyTorch by \(error) relative")
    }

    @Test func fixtureIsPresent() {
        #expect(Self.references.count >= 19, "Fixtures/kernels/torch-references.json is missing or unreadable")
    }

    @Test(arguments: references.filter { $0.op.hasPrefix("conv") })
    func convolutionMatchesTorch(_ reference: Reference) throws {
        let channels = reference.input[1]
        let outChannels = try #require(reference.outChannels)
        let kernel = try #require(reference.kernel)
        let stride = try #require(reference.stride)
        let dilation = try #require(reference.dilation)
        let geometry: ConvolutionGeometry
        if reference.isOneDimensional {
            let padding: ConvolutionPadding
            switch try #require(reference.paddingValue) {
            case .same: padding = .same
            case .amounts(let amounts): padding = .zeros(amounts[0])
            }
            geometry = try .oneDimensional(
                inputChannels: channels, outputChannels: outChannels, length: reference.input[2],
                kernel: kernel[0], stride: stride[0], padding: padding, dilation: dilation[0])
        } else {
            let padding: ConvolutionPadding
            switch try #require(reference.paddingValue) {
            case .same: padding = .same
            case .amounts(let amounts): padding = .zerosPerAxis(height: amounts[0], width: amounts[1])
            }
            geometry = try ConvolutionGeometry(
                inputChannels: channels, outputChannels: outChannels,
                inputHeight: reference.input[2], inputWidth: reference.input[3],
                kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: stride[0],
                strideWidth: stride[1], padding: padding, dilationHeight: dilation[0],
                dilationWidth: dilation[1])
        }
        #expect([reference.batch] + geometry.outputShape == reference.outputShape)
        let x = Self.pattern(reference.count, 1)
        let w = Self.pattern(geometry.weightCount, 2, scale: 256)
        let b = reference.bias == true ? Self.pattern(outChannels, 3) : nil
        let r = Self.pattern(reference.y.count, 4)
        let convolution = Convolution(geometry: geometry)
        let team = ThreadTeam(threads: 2)
        let y = Support.forward(convolution, x: x, w: w, b: b, batch: reference.batch, team: team)
        Self.expectClose(y, reference.y, "output", reference)
        let gradients = Support.backward(convolution, x: x, w: w, dy: r, batch: reference.batch, team: team)
        Self.expectClose(gradients.input, reference.dx, "input gradient", reference)
        Self.expectClose(gradients.weight, reference.dw, "weight gradient", reference)
        if b != nil { Self.expectClose(gradients.bias, reference.db, "bias gradient", reference) }
    }

    @Test(arguments: references.filter { $0.op.hasPrefix("max_pool") || $0.op.hasPrefix("avg_pool") })
    func poolingMatchesTorch(_ reference: Reference) throws {
        let kernel = try #require(reference.kernel)
        let stride = try #require(reference.stride)
        guard case .amounts(let padding) = try #require(reference.paddingValue) else {
            Issue.record("pooling padding is a number per axis")
            return
        }
        let geometry =
            reference.isOneDimensional
            ? try PoolingGeometry.oneDimensional(
                channels: reference.input[1], length: reference.input[2], kernel: kernel[0],
                stride: stride[0], padding: padding[0])
            : try PoolingGeometry(
                channels: reference.input[1], inputHeight: reference.input[2],
                inputWidth: reference.input[3], kernelHeight: kernel[0], kernelWidth: kernel[1],
                strideHeight: stride[0], strideWidth: stride[1], padHeight: padding[0],
                padWidth: padding[1])
        #expect([reference.batch] + geometry.outputShape == reference.outputShape)
        let x = Self.pattern(reference.count, 1)
        let r = Self.pattern(reference.y.count, 4)
        let team = ThreadTeam(threads: 2)
        if reference.op.hasPrefix("max") {
            let (y, indices, dx) = PoolingTests.maxPool(
                MaxPooling(geometry: geometry), x: x, dy: r,
                batch: reference.batch, team: team)
            Self.expectClose(y, reference.y, "output", reference)
            #expect(indices.map(Int.init) == reference.indices, "\(reference.name): indices differ from PyTorch's")
            Self.expectClose(dx, reference.dx, "input gradient", reference)
        } else {
            let (y, dx) = PoolingTests.averagePool(
                AveragePooling(geometry: geometry), x: x, dy: r,
                batch: reference.batch, team: team)
            Self.expectClose(y, reference.y, "output", reference)
            Self.expectClose(dx, reference.dx, "input gradient", reference)
        }
    }

    @Test(arguments: references.filter { $0.op.hasPrefix("global") })
    func globalAveragePoolingMatchesTorch(_ reference: Reference) throws {
        let pooling = try GlobalAveragePooling(
            channels: reference.input[1],
            positions: reference.input.dropFirst(2).reduce(1, *))
        let x = Self.pattern(reference.count, 1)
        let r = Self.pattern(reference.y.count, 4)
        let (y, dx) = PoolingTests.globalPool(
            pooling, x: x, dy: r, batch: reference.batch, team: ThreadTeam(threads: 2))
        Self.expectClose(y, reference.y, "output", reference)
        Self.expectClose(dx, reference.dx, "input gradient", reference)
    }

    @Test(arguments: references.filter { $0.op == "batch_norm" })
    func batchNormalizationMatchesTorch(_ reference: Reference) throws {
        let channels = reference.input[1]
        let normalization = try BatchNormalization(
            channels: channels, positions: reference.input.dropFirst(2).reduce(1, *),
            momentum: try #require(reference.momentum),
            epsilon: try #require(reference.eps))
        let x = Self.pattern(reference.count, 1)
        let r = Self.pattern(reference.y.count, 4)
        let state = BatchNormalizationTests.State(
            scale: Self.pattern(channels, 5, scale: 512).map { 1 + $0 },
            shift: Self.pattern(channels, 6),
            runningMean: Self.pattern(channels, 7, scale: 512),
            runningVariance: Self.pattern(channels, 8).map { 0.5 + abs($0) })
        let training = try #require(reference.training)
        let result = try BatchNormalizationTests.run(
            normalization, x: x, dy: r, batch: reference.batch, state: state,
            training: training, team: ThreadTeam(threads: 2))
        Self.expectClose(result.y, reference.y, "output", reference)
        Self.expectClose(result.dx, reference.dx, "input gradient", reference)
        Self.expectClose(result.dscale, reference.dgamma, "scale gradient", reference)
        Self.expectClose(result.dshift, reference.dbeta, "shift gradient", reference)
        Self.expectClose(result.state.runningMean, reference.runningMean, "running mean", reference)
        Self.expectClose(result.state.runningVariance, reference.runningVar, "running variance", reference)
    }
}
