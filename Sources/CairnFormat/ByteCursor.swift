/// Reads little-endian values from bytes a file declared, never trusting a length: every read is
/// bounds-checked and a short read throws `truncated`-style errors naming the file offset.
struct ByteCursor {
    let bytes: [UInt8]
    /// The file offset of `bytes[0]`, for error messages.
    let fileOffset: Int64
    let path: String
    /// The tensor being decoded, for error messages.
    var tensor: String?
    private(set) var position: Int = 0

    init(bytes: [UInt8], fileOffset: Int64, path: String) {
        self.bytes = bytes
        self.fileOffset = fileOffset
        self.path = path
    }

    var remaining: Int { bytes.count - position }
    var currentFileOffset: Int64 { fileOffset + Int64(position) }

    func error(_ kind: CairnError.Kind) -> CairnError {
        CairnError(path: path, kind: kind, tensor: tensor, offset: currentFileOffset)
    }

    private mutating func need(_ count: Int, _ what: String) throws {
        guard count >= 0, count <= remaining else {
            throw error(.malformed("\(what) runs past the end of its record"))
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws -> T {
        try need(MemoryLayout<T>.size, what)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: T.self) }
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readDouble(_ what: String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what))
    }

    mutating func readBytes(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try need(count, what)
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Reads `count` bytes that must all be zero (reserved fields).
    mutating func expectZeros(_ count: Int, _ what: String) throws {
        let start = currentFileOffset
        let slice = try readBytes(count, what)
        guard slice.allSatisfy({ $0 == 0 }) else {
            throw CairnError(path: path, kind: .malformed("\(what) must be zero"), tensor: tensor, offset: start)
        }
    }

    mutating func skip(_ count: Int, _ what: String) throws {
        try need(count, what)
        position += count
    }
}
