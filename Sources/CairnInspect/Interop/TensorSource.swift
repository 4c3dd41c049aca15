import CairnFormat
import Foundation

/// A file whose tensors are listed up front and read one at a time, so a conversion holds at most one
/// tensor in memory.
public protocol TensorSource {
    var path: String { get }
    /// The tensors, in file order.
    var entries: [TensorEntry] { get }
    /// Reads tensor `index` of `entries`: exactly `entries[index].byteCount` bytes, row-major, little-endian.
    func load(_ index: Int) throws -> [UInt8]
}

/// The tensors of a `.cairn` file (its manifest is kept for the conversion's metadata).
public struct CairnTensorSource: TensorSource {
    public let reader: CairnReader
    public var path: String { reader.path }
    public let entries: [TensorEntry]

    public init(path: String) throws {
        reader = try CairnReader(path: path)
        entries = reader.tensors.map { TensorEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape, role: $0.role) }
    }

    public func load(_ index: Int) throws -> [UInt8] {
        try reader.read(entries[index].name).bytes
    }
}

/// The tensors of a safetensors file, in the order of their data.
public struct SafetensorsSource: TensorSource {
    public let file: ReadOnlyFile
    public let header: SafetensorsHeader
    public var path: String { file.path }
    public var entries: [TensorEntry] { header.items.map(\.entry) }

    public init(path: String) throws {
        file = try ReadOnlyFile(path: path)
        header = try SafetensorsHeader.read(file)
    }

    public func load(_ index: Int) throws -> [UInt8] {
        let item = header.items[index]
        return try file.read(count: item.entry.byteCount, at: item.offset)
    }
}

/// The arrays of an `.npz` archive (stored or deflated `.npy` members; the `.npy` suffix is dropped
/// from the names, as `np.load` does).
public struct NpzSource: TensorSource {
    public let file: ReadOnlyFile
    public let archive: ZipArchive
    private let headers: [NpyHeader]
    private let members: [ZipArchive.Member]
    public var path: String { file.path }
    public let entries: [TensorEntry]

    public init(path: String) throws {
        file = try ReadOnlyFile(path: path)
        archive = try ZipArchive.read(file)
        var headers: [NpyHeader] = [], members: [ZipArchive.Member] = [], entries: [TensorEntry] = []
        for member in archive.members where !member.name.hasSuffix("/") {
            var prefix = try archive.prefix(of: member, limit: 4096, in: file)
            if let needed = NpyHeader.requiredPrefix(prefix), needed > prefix.count, needed <= NpyHeader.maximumHeaderBytes + 12 {
                prefix = try archive.prefix(of: member, limit: needed, in: file)
            }
            let header = try NpyHeader.decode(prefix, path: path, item: member.name)
            let name = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            let entry = TensorEntry(name: name, dtype: header.dtype, shape: header.shape, role: TensorEntry.importedRole(forName: name))
            guard member.uncompressedSize == Int64(header.dataOffset) + Int64(entry.byteCount) else {
                throw InteropError(path: path, item: member.name, .malformed(
                    "npy member holds \(member.uncompressedSize) bytes, header \(header.dataOffset) + shape \(header.shape) of \(NpyHeader.descr(header.dtype)) needs \(header.dataOffset + entry.byteCount)"))
            }
            headers.append(header)
            members.append(member)
            entries.append(entry)
        }
        self.headers = headers
        self.members = members
        self.entries = entries
    }

    public func load(_ index: Int) throws -> [UInt8] {
        let member = members[index]
        var contents = try [UInt8](unsafeUninitializedCapacity: Int(member.uncompressedSize)) { buffer, initialized in
            try archive.extract(member, into: UnsafeMutableRawBufferPointer(buffer), in: file)
            initialized = Int(member.uncompressedSize)
        }
        guard try NpyHeader.decode(Array(contents.prefix(headers[index].dataOffset)), path: path, item: member.name) == headers[index] else {
            throw InteropError(path: path, item: member.name, .malformed("npy header changed between reads"))
        }
        contents.removeSubrange(0..<headers[index].dataOffset)  // in place: no second copy of the tensor
        return contents
    }
}
