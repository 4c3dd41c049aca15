/// How the bytes of a chunk are arranged before compression (one byte on disk).
public enum ChunkFilter: UInt8, Sendable, Equatable, CaseIterable {
    /// The chunk is one plane: the raw bytes.
    case none = 0
    /// Byte shuffle: plane `p` holds byte `p` of every element (as HDF5's shuffle), one plane per byte of the element.
    case shuffle = 1
}

/// How one plane of a chunk is stored (one byte on disk).
public enum PlaneCodec: UInt8, Sendable, Equatable, CaseIterable {
    /// The plane's raw bytes.
    case stored = 0
    /// A raw deflate stream (RFC 1951, no zlib header), written with LZ77 matching.
    case deflate = 1
    /// A raw deflate stream written with Huffman coding only (decoded exactly as `deflate`).
    case deflateHuffman = 2
}

/// One plane of a chunk: its codec and the length of its stored bytes.
public struct PlaneInfo: Sendable, Equatable {
    public var codec: PlaneCodec
    public var storedLength: Int64

    public init(codec: PlaneCodec, storedLength: Int64) {
        self.codec = codec
        self.storedLength = storedLength
    }
}

/// Where one chunk of a tensor is and how it is encoded.
///
/// On disk (36 bytes, then 8 bytes per plane):
/// ```
///  0           8               16            24        28         32     33       34        36
///  +-----------+---------------+-------------+---------+----------+------+--------+---------+
///  | offset    | storedLength  | rawLength   | rawCRC  | storedCRC| filt | planes | reserved|
///  | u64 LE    | u64 LE        | u64 LE      | u32 LE  | u32 LE   | u8   | u8 (n) | u16 = 0 |
///  +-----------+---------------+-------------+---------+----------+------+--------+---------+
///  n times:  | codec u8 | reserved 3 bytes = 0 | plane storedLength u32 LE |
/// ```
public struct ChunkInfo: Sendable, Equatable {
    /// Absolute file offset of the chunk's stored bytes.
    public var offset: Int64
    /// Number of stored bytes (the sum of the planes' stored lengths).
    public var storedLength: Int64
    /// Number of raw (uncompressed, unshuffled) bytes.
    public var rawLength: Int64
    /// CRC-32 of the raw bytes.
    public var crc32: UInt32
    /// CRC-32 of the stored bytes (so a flip in bits a decoder ignores is caught too).
    public var storedCRC32: UInt32
    /// The filter applied before compression.
    public var filter: ChunkFilter
    /// The planes, in order; one for `.none`, one per element byte for `.shuffle`.
    public var planes: [PlaneInfo]

    public init(
        offset: Int64, storedLength: Int64, rawLength: Int64, crc32: UInt32, storedCRC32: UInt32,
        filter: ChunkFilter, planes: [PlaneInfo]
    ) {
        self.offset = offset
        self.storedLength = storedLength
        self.rawLength = rawLength
        self.crc32 = crc32
        self.storedCRC32 = storedCRC32
        self.filter = filter
        self.planes = planes
    }

    /// Fixed part of the record.
    static let fixedSize = 36
    /// Bytes per plane record.
    static let planeRecordSize = 8

    func encode(into writer: inout ByteWriter) {
        writer.append(UInt64(offset))
        writer.append(UInt64(storedLength))
        writer.append(UInt64(rawLength))
        writer.append(crc32)
        writer.append(storedCRC32)
        writer.append(filter.rawValue)
        writer.append(UInt8(planes.count))
        writer.append(UInt16(0))
        for plane in planes {
            writer.append(plane.codec.rawValue)
            writer.appendZeros(3)
            writer.append(UInt32(plane.storedLength))
        }
    }
}
