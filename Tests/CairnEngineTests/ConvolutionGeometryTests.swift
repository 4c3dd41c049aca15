import CairnModel
import Testing

@testable import CairnEngine

/// Output sizes, PyTorch's "same" padding and the refusal of impossible geometry.
@Suite("Convolution and pooling geometry")
struct ConvolutionGeometryTests {
    @Test func outputSizesFollowPyTorch() throws {
        // torch.nn.Conv2d(3, 8, (5, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 3)) on 32x20: 15 x 18.
        let g = try ConvolutionGeometry(
            inputChannels: 3, outputChannels: 8, inputHeight: 32, inputWidth: 20,
            kernelHeight: 5, kernelWidth: 3, strideHeight: 2, strideWidth: 1,
            padding: .zerosPerAxis(height: 1, width: 2), dilationHeight: 1, dilationWidth: 3)
        #expect((g.outputHeight, g.outputWidth) == (15, 18))
        #expect(g.weightShape == [8, 3, 5, 3])
        #expect(g.patchSize == 45 && g.fanIn == 45 && g.fanOut == 120)
        let lenet = try ConvolutionGeometry(
            inputChannels: 1, outputChannels: 6, inputHeight: 28, inputWidth: 28,
            kernelHeight: 5, kernelWidth: 5)
        #expect(lenet.outputShape == [6, 24, 24])
        let oneD = try ConvolutionGeometry.oneDimensional(
            inputChannels: 1, outputChannels: 25, length: 40, kernel: 5,
            stride: 2)
        #expect(oneD.outputShape == [25, 18] && oneD.weightShape == [25, 1, 5] && oneD.isOneDimensional)
    }

    /// PyTorch pads `dilation * (kernel - 1)` in total, the smaller half before: kernel 4 -> 1 left, 2 right.
    @Test func samePaddingPutsTheOddZeroAtTheEnd() throws {
        let g = try ConvolutionGeometry(
            inputChannels: 1, outputChannels: 1, inputHeight: 7, inputWidth: 9,
            kernelHeight: 4, kernelWidth: 3, padding: .same, dilationHeight: 1, dilationWidth: 2)
        #expect((g.padTop, g.padBottom, g.padLeft, g.padRight) == (1, 2, 2, 2))
        #expect((g.outputHeight, g.outputWidth) == (7, 9))
        let oneD = try ConvolutionGeometry.oneDimensional(
            inputChannels: 2, outputChannels: 3, length: 10, kernel: 6,
            padding: .same, dilation: 3)
        #expect((oneD.padLeft, oneD.padRight, oneD.outputWidth) == (7, 8, 10))
    }

    @Test func impossibleGeometryIsRefused() {
        #expect(throws: KernelAttributeError.emptyOutput(axis: "height", paddedInput: 4, dilatedKernel: 5)) {
            try ConvolutionGeometry(
                inputChannels: 1, outputChannels: 1, inputHeight: 4, inputWidth: 9,
                kernelHeight: 5, kernelWidth: 3)
        }
        #expect(throws: KernelAttributeError.emptyOutput(axis: "length", paddedInput: 6, dilatedKernel: 7)) {
            try ConvolutionGeometry.oneDimensional(
                inputChannels: 1, outputChannels: 1, length: 6, kernel: 4, dilation: 2)
        }
        #expect(throws: KernelAttributeError.samePaddingNeedsStrideOne(stride: 2)) {
            try ConvolutionGeometry.oneDimensional(
                inputChannels: 1, outputChannels: 1, length: 6, kernel: 3, stride: 2,
                padding: .same)
        }
        #expect(throws: KernelAttributeError.notPositive(attribute: "output channels", value: 0)) {
            try ConvolutionGeometry(
                inputChannels: 1, outputChannels: 0, inputHeight: 4, inputWidth: 4,
                kernelHeight: 1, kernelWidth: 1)
        }
        #expect(throws: KernelAttributeError.notPositive(attribute: "stride", value: 0)) {
            try ConvolutionGeometry.oneDimensional(inputChannels: 1, outputChannels: 1, length: 6, kernel: 3, stride: 0)
        }
        #expect(throws: KernelAttributeError.negativePadding(attribute: "padding top", value: -1)) {
            try ConvolutionGeometry(
                inputChannels: 1, outputChannels: 1, inputHeight: 4, inputWidth: 4,
                kernelHeight: 1, kernelWidth: 1, padding: .zeros(-1))
        }
        #expect(throws: KernelAttributeError.heightPaddingInOneDimension(1)) {
            try ConvolutionGeometry.oneDimensional(
                inputChannels: 1, outputChannels: 1, length: 6, kernel: 3,
                padding: .zerosPerAxis(height: 1, width: 1))
        }
        // Sizes beyond 32-bit BLAS arguments, and products that would overflow Int.
        #expect(throws: KernelAttributeError.tooLarge(what: "one input sample")) {
            try ConvolutionGeometry(
                inputChannels: 1 << 20, outputChannels: 1, inputHeight: 1 << 10, inputWidth: 1 << 10,
                kernelHeight: 1, kernelWidth: 1)
        }
        #expect(throws: KernelAttributeError.self) {
            try ConvolutionGeometry(
                inputChannels: 1, outputChannels: 1, inputHeight: Int.max, inputWidth: 4,
                kernelHeight: 1, kernelWidth: 1, padding: .zeros(Int.max))
        }
        #expect(throws: KernelAttributeError.tooLarge(what: "the weight")) {
            try ConvolutionGeometry(
                inputChannels: 1 << 16, outputChannels: 1 << 16, inputHeight: 4, inputWidth: 4,
                kernelHeight: 1, kernelWidth: 1)
        }
    }

    @Test func poolingGeometry() throws {
        let g = try PoolingGeometry(channels: 6, inputHeight: 24, inputWidth: 24, kernelHeight: 2, kernelWidth: 2)
        #expect(g.outputShape == [6, 12, 12] && g.strideHeight == 2)
        let padded = try PoolingGeometry.oneDimensional(channels: 2, length: 11, kernel: 3, stride: 2, padding: 1)
        #expect(padded.outputShape == [2, 6])
        #expect(throws: KernelAttributeError.poolingPaddingTooLarge(axis: "length", padding: 2, kernel: 3)) {
            try PoolingGeometry.oneDimensional(channels: 1, length: 10, kernel: 3, padding: 2)
        }
        #expect(throws: KernelAttributeError.emptyOutput(axis: "width", paddedInput: 3, dilatedKernel: 4)) {
            try PoolingGeometry(channels: 1, inputHeight: 8, inputWidth: 3, kernelHeight: 2, kernelWidth: 4)
        }
        #expect(throws: KernelAttributeError.notPositive(attribute: "positions", value: 0)) {
            try GlobalAveragePooling(channels: 3, positions: 0)
        }
    }
}
