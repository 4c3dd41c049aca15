/// Reads little-endian integers from a byte array, throwing (never trapping) past its end.
struct LittleEndianReader {
    let bytes: [UInt8]
    var position: Int
    /// Makes the error thrown when a read runs past the end.
    let overrun: () -> Error

    init(_ bytes: [UInt8], at position: Int = 0, overrun: @escaping () -> Error) {
        self.bytes = bytes
        self.position = position
        self.overrun = overrun
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard position >= 0, position <= bytes.count - size else { throw overrun() }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[position + index]) << (8 * index) }
        position += size
        return value
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, position >= 0, position <= bytes.count - count else { throw overrun() }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func skip(_ count: Int) throws {
        guard count >= 0, position <= bytes.count - count else { throw overrun() }
        position += count
    }
}

/// Appends little-endian integers to a byte array.
struct LittleEndianWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        for index in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func append(_ data: [UInt8]) {
        bytes += data
    }
}
