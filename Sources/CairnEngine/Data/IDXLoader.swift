import CairnFormat
import Foundation

/// Reads MNIST's IDX format: an images file (magic `0x00000803`-style: two zero bytes, a type byte,
/// a rank byte, then big-endian 32-bit dimensions, then the values big-endian) and a labels file
/// (rank 1, unsigned bytes).
public enum IDXLoader {
    /// An IDX file's decoded contents: its dimensions and values as Float.
    public struct Array: Sendable {
        public var dimensions: [Int]
        public var values: [Float]
    }

    /// The most bytes an IDX file may have.
    public static let maximumFileSize = 8 << 30

    /// Loads an images file and a labels file as a classification dataset, stored flat row-major: `[N, H, W]`
    /// gives `[1, H, W]` samples, `[N, C, H, W]` gives `[C, H, W]`, other ranks feature vectors.
    public static func load(images: String, labels: String) throws -> Dataset {
        let x = try read(path: images)
        let y = try read(path: labels)
        guard y.dimensions.count == 1 else {
            throw CairnError.data(path: labels, "labels must be a rank-1 IDX array, found rank \(y.dimensions.count)")
        }
        guard let count = x.dimensions.first, count == y.dimensions[0] else {
            throw CairnError.data(
                path: labels, "has \(y.dimensions[0]) labels but \(images) has \(x.dimensions.first ?? 0) samples")
        }
        let ids = try DatasetTargets.classIDs(y.values, path: labels)
        let width = try Dataset.sampleWidth(of: x.dimensions, path: images)
        // `[N, H, W]` holds one-channel images, `[N, C, H, W]` images; other ranks are feature vectors.
        let sampleShape: [Int]
        switch x.dimensions.count {
        case 3: sampleShape = [1] + x.dimensions.dropFirst()
        case 4: sampleShape = Swift.Array(x.dimensions.dropFirst())
        default: sampleShape = [width]
        }
        return Dataset(
            source: images, features: x.values, width: width, targets: .labels(ids), sampleShape: sampleShape)
    }

    /// Decodes one IDX file.
    public static func read(path: String) throws -> Array {
        let data = try readFile(path, limit: maximumFileSize)
        return try decode(data, path: path)
    }

    static func decode(_ data: Data, path: String) throws -> Array {
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else {
            throw CairnError.data(path: path, "is \(bytes.count) bytes, too short for an IDX header")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw CairnError.data(path: path, "is not an IDX file (bad magic number)")
        }
        let elementSize: Int
        switch bytes[2] {
        case 0x08, 0x09: elementSize = 1
        case 0x0B: elementSize = 2
        case 0x0C, 0x0D: elementSize = 4
        case 0x0E: elementSize = 8
        default: throw CairnError.data(path: path, "has unknown IDX element type 0x\(String(bytes[2], radix: 16))")
        }
        let rank = Int(bytes[3])
        guard rank >= 1, rank <= 8 else { throw CairnError.data(path: path, "has IDX rank \(rank), expected 1 to 8") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw CairnError.data(path: path, "is truncated in its IDX header") }
        var dimensions = [Int]()
        var count = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let dim = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dimensions.append(dim)
            count = count.multipliedReportingOverflow(by: dim).partialValue
            guard count <= bytes.count else {
                throw CairnError.data(path: path, "declares \(dimensions) elements, more than the file holds")
            }
        }
        let expected = headerSize + count * elementSize
        guard bytes.count == expected else {
            throw CairnError.data(
                path: path,
                "is \(bytes.count) bytes, but its header \(dimensions) needs \(expected) (truncated or padded)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            let body = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[headerSize...])
            for i in 0..<count {
                let o = i * elementSize
                switch bytes[2] {
                case 0x08: values[i] = Float(body[o])
                case 0x09: values[i] = Float(Int8(bitPattern: body[o]))
                case 0x0B: values[i] = Float(Int16(bigEndian: body.loadUnaligned(fromByteOffset: o, as: Int16.self)))
                case 0x0C: values[i] = Float(Int32(bigEndian: body.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                case 0x0D:
                    values[i] = Float(
                        bitPattern: UInt32(bigEndian: body.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                default:
                    values[i] = Float(
                        Double(bitPattern: UInt64(bigEndian: body.loadUnaligned(fromByteOffset: o, as: UInt64.self))))
                }
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw CairnError.data(path: path, "element \(bad) is not a finite number")
        }
        return Array(dimensions: dimensions, values: values)
    }
}
