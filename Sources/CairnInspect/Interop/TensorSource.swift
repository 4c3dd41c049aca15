import CairnFormat
import Foundation
import Synchronization

/// A file whose tensors are listed up front and read one at a time, so a conversion holds at most one
/// tensor in memory.
public protocol TensorSource: Sendable {
    var path: String { get }
    /// The tensors, in file order.
    var entries: [TensorEntry] { get }
    /// Reads tensor `index` of `entries` into `scratch` (grown when too small, otherwise reused, so a
    /// conversion does not fault in fresh memory for every tensor) and returns the range of `scratch` that
    /// holds its `entries[index].byteCount` bytes, row-major, little-endian.
    func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int>
}

extension TensorSource {
    /// Tensor `index`'s bytes in a new array.
    public func load(_ index: Int) throws -> [UInt8] {
        var scratch: [UInt8] = []
        let range = try load(index, into: &scratch)
        return range == scratch.indices ? scratch : Array(scratch[range])
    }
}

/// A source whose tensors can also be read piece by piece at any offset, from several threads at
/// once, so a conversion into `.cairn` never holds a whole tensor.
public protocol PiecewiseTensorSource: TensorSource {
    /// Whether tensor `index` can be read piece by piece (a deflated npz member cannot).
    func readsPiecewise(_ index: Int) -> Bool
    /// Fills `buffer` with tensor `index`'s bytes from byte `offset` of its data. Thread-safe.
    func read(_ index: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws
    /// Called once every piece of tensor `index` has been read: checks what only the whole shows (an
    /// npz member's CRC-32), throwing when the tensor must not be kept.
    func finishPiecewise(_ index: Int) throws
}

extension PiecewiseTensorSource {
    public func readsPiecewise(_ index: Int) -> Bool { true }
    public func finishPiecewise(_ index: Int) throws {}
}

/// The CRC-32s of the pieces of one tensor read piecewise, from any thread, combined in offset order.
final class PieceChecksums: Sendable {
    private let pieces = Mutex<[Int: [(offset: Int, length: Int, crc: UInt32)]]>([:])

    func add(_ index: Int, offset: Int, bytes: UnsafeRawBufferPointer) {
        let crc = Zlib.crc32(bytes)
        pieces.withLock { $0[index, default: []].append((offset, bytes.count, crc)) }
    }

    /// The CRC-32 of `count` bytes after `seed`'s, from the recorded pieces (which are then forgotten);
    /// nil when they do not tile `0..<count` exactly.
    func combined(_ index: Int, count: Int, seed: UInt32) -> UInt32? {
        let recorded = pieces.withLock { $0.removeValue(forKey: index) ?? [] }.sorted { $0.offset < $1.offset }
        var crc = seed, next = 0
        for piece in recorded {
            guard piece.offset == next else { return nil }
            crc = Zlib.crc32Combine(crc, piece.crc, secondLength: piece.length)
            next += piece.length
        }
        return next == count ? crc : nil
    }
}

/// Grows `scratch` to at least `count` bytes (keeping it when large enough).
func reserve(_ scratch: inout [UInt8], _ count: Int) {
    if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
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

    public func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int> {
        scratch = try reader.read(entries[index].name).bytes
        return scratch.indices
    }
}

/// The tensors of a safetensors file, in the order of their data.
public struct SafetensorsSource: PiecewiseTensorSource {
    public let file: ReadOnlyFile
    public let header: SafetensorsHeader
    public var path: String { file.path }
    public var entries: [TensorEntry] { header.items.map(\.entry) }

    public init(path: String) throws {
        file = try ReadOnlyFile(path: path)
        header = try SafetensorsHeader.read(file)
    }

    public func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int> {
        let item = header.items[index]
        let count = item.entry.byteCount
        reserve(&scratch, count)
        try scratch.withUnsafeMutableBytes {
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: item.offset)
        }
        return 0..<count
    }

    public func read(_ index: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        let item = header.items[index]
        guard offset >= 0, offset + buffer.count <= item.entry.byteCount else {
            throw CairnError(path: path, kind: .invalidArgument("read past the end of \(item.entry.name)"))
        }
        try file.read(into: buffer, at: item.offset + Int64(offset))
    }
}

/// The arrays of an `.npz` archive (stored or deflated `.npy` members; the `.npy` suffix is dropped
/// from the names, as `np.load` does). Stored members can be read piecewise; their CRC-32 is then
/// checked from the pieces' CRCs when the tensor is finished.
public struct NpzSource: PiecewiseTensorSource {
    public let file: ReadOnlyFile
    public let archive: ZipArchive
    private let headers: [NpyHeader]
    private let members: [ZipArchive.Member]
    /// Where each member's data starts (after its local header), found once.
    private let dataStarts: [Int64]
    public var path: String { file.path }
    public let entries: [TensorEntry]
    private let pieces = PieceChecksums()

    public init(path: String) throws {
        file = try ReadOnlyFile(path: path)
        archive = try ZipArchive.read(file)
        var headers: [NpyHeader] = [], members: [ZipArchive.Member] = [], entries: [TensorEntry] = [],
            starts: [Int64] = []
        for member in archive.members where !member.name.hasSuffix("/") {
            var prefix = try archive.prefix(of: member, limit: 4096, in: file)
            if let needed = NpyHeader.requiredPrefix(prefix), needed > prefix.count,
                needed <= NpyHeader.maximumHeaderBytes + 12
            {
                prefix = try archive.prefix(of: member, limit: needed, in: file)
            }
            let header = try NpyHeader.decode(prefix, path: path, item: member.name)
            let name = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            let entry = TensorEntry(
                name: name, dtype: header.dtype, shape: header.shape, role: TensorEntry.importedRole(forName: name))
            guard member.uncompressedSize == Int64(header.dataOffset) + Int64(entry.byteCount) else {
                throw CairnError.malformed(
                    path: path, item: member.name,
                    "npy member holds \(member.uncompressedSize) bytes, header \(header.dataOffset) + shape \(header.shape) of \(NpyHeader.descr(header.dtype)) needs \(header.dataOffset + entry.byteCount)"
                )
            }
            headers.append(header)
            members.append(member)
            entries.append(entry)
            starts.append(try archive.dataOffset(of: member, in: file))
        }
        self.headers = headers
        self.dataStarts = starts
        self.members = members
        self.entries = entries
    }

    public func load(_ index: Int, into scratch: inout [UInt8]) throws -> Range<Int> {
        let member = members[index], header = headers[index]
        let count = Int(member.uncompressedSize)
        reserve(&scratch, count)
        try scratch.withUnsafeMutableBytes {
            try archive.extract(member, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), in: file)
        }
        guard try NpyHeader.decode(Array(scratch[0..<header.dataOffset]), path: path, item: member.name) == header
        else {
            throw CairnError.malformed(path: path, item: member.name, "npy header changed between reads")
        }
        return header.dataOffset..<count
    }

    public func readsPiecewise(_ index: Int) -> Bool {
        members[index].method == 0 && members[index].compressedSize == members[index].uncompressedSize
    }

    public func read(_ index: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        let member = members[index], header = headers[index]
        guard readsPiecewise(index), offset >= 0, offset + buffer.count <= entries[index].byteCount else {
            throw CairnError.malformed(path: path, item: member.name, "piecewise read outside the stored data")
        }
        try file.read(into: buffer, at: dataStarts[index] + Int64(header.dataOffset + offset))
        pieces.add(index, offset: offset, bytes: UnsafeRawBufferPointer(buffer))
    }

    public func finishPiecewise(_ index: Int) throws {
        let member = members[index], header = headers[index]
        let prefix = try file.read(count: header.dataOffset, at: dataStarts[index])
        guard try NpyHeader.decode(prefix, path: path, item: member.name) == header else {
            throw CairnError.malformed(path: path, item: member.name, "npy header changed between reads")
        }
        guard pieces.combined(index, count: entries[index].byteCount, seed: Zlib.crc32(prefix)) == member.crc32 else {
            throw CairnError.malformed(path: path, item: member.name, "CRC-32 mismatch (file damaged)")
        }
    }
}
