import CZlib
import Foundation

/// Encodes one chunk: statistics, raw CRC, optional shuffle, then per plane the cheapest of stored,
/// Huffman-only deflate and LZ77 deflate (chosen from the plane's byte entropy, so the choice is cheap
/// and depends only on the bytes). Owns its scratch buffers; one encoder per in-flight chunk.
final class ChunkEncoder {
    private var planes: UnsafeMutableRawBufferPointer
    private var output: UnsafeMutableRawBufferPointer
    /// The byte histogram of the plane being encoded.
    private var histogram = UnsafeMutableBufferPointer<Int>.allocate(capacity: 256)
    /// After `encode`: the stored bytes are `output[0..<storedLength]`, or the caller's raw bytes when
    /// the chunk is stored raw (no copy).
    private(set) var storedLength = 0
    private var storedRaw: UnsafeRawBufferPointer?
    private(set) var info = ChunkInfo(
        offset: 0, storedLength: 0, rawLength: 0, crc32: 0, storedCRC32: 0, filter: .none, planes: [])
    private(set) var statistics = StatisticsAccumulator()

    /// Planes whose estimated Huffman size is above this fraction of their raw size are stored raw untried.
    static let storeAboveEstimatedRatio = 0.98
    /// Bytes at the start of a plane whose entropy is estimated first: if they look like noise
    /// (estimate at or above `storeAboveEstimatedRatio`), the plane is stored without a full histogram.
    /// The estimate from a sample is biased low, so this stores only planes a full histogram would store
    /// too, unless the plane's start is unlike the rest.
    static let entropySampleBytes = 16 << 10
    /// Planes with entropy below this (bits per byte) get LZ77 deflate: long runs, where matching pays.
    static let lz77BelowEntropy = 2.0

    init(capacity: Int) {
        planes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
    }

    deinit {
        planes.deallocate()
        output.deallocate()
        histogram.deallocate()
    }

    var capacity: Int { output.count }

    /// Valid until the next `encode` and while the raw bytes passed to `encode` are alive.
    var storedBytes: UnsafeRawBufferPointer { storedRaw ?? UnsafeRawBufferPointer(rebasing: output[0..<storedLength]) }

    func encode(_ raw: UnsafeRawBufferPointer, dtype: DType, level: Int, shuffle: Bool) {
        precondition(raw.count <= capacity && raw.count > 0 && raw.count % dtype.byteSize == 0)
        statistics = StatisticsAccumulator(dtype: dtype, bytes: raw)
        let rawCRC = CRC32.checksum(raw)
        var encodedPlanes: [PlaneInfo] = []
        var filter = ChunkFilter.none
        storedLength = 0
        storedRaw = nil
        if level > 0 {
            let planeCount = shuffle ? dtype.byteSize : 1
            let source: UnsafeRawBufferPointer
            if planeCount > 1 {
                // Shuffled straight into the output: planes stored raw mostly stay where they are.
                ByteShuffle.shuffle(raw, elementSize: planeCount, into: output)
                source = UnsafeRawBufferPointer(output)
                filter = .shuffle
            } else {
                source = raw
            }
            let planeLength = raw.count / planeCount
            for plane in 0..<planeCount {
                let bytes = UnsafeRawBufferPointer(
                    rebasing: source[(plane * planeLength)..<((plane + 1) * planeLength)])
                encodedPlanes.append(encodePlane(bytes, level: level))
            }
        }
        if encodedPlanes.allSatisfy({ $0.codec == .stored }) {
            // Nothing shrank (or level 0): the chunk is stored raw, unfiltered.
            filter = .none
            encodedPlanes = [PlaneInfo(codec: .stored, storedLength: Int64(raw.count))]
            storedRaw = raw
            storedLength = raw.count
        }
        let storedCRC = storedRaw == nil ? CRC32.checksum(storedBytes) : rawCRC
        info = ChunkInfo(
            offset: 0, storedLength: Int64(storedLength), rawLength: Int64(raw.count), crc32: rawCRC,
            storedCRC32: storedCRC, filter: filter, planes: encodedPlanes)
    }

    /// Appends one plane's encoding at `output[storedLength...]`. `plane` is either the caller's bytes
    /// (one plane: a stored plane then means a stored chunk, written from the caller's buffer) or a plane
    /// of `output` at or after `storedLength` (shuffled in place; moved down or compressed via scratch).
    private func encodePlane(_ plane: UnsafeRawBufferPointer, level: Int) -> PlaneInfo {
        let inOutput =
            plane.baseAddress.map {
                UnsafeRawPointer(output.baseAddress!) <= $0 && $0 < UnsafeRawPointer(output.baseAddress! + output.count)
            } ?? false
        let target =
            inOutput
            ? planes : UnsafeMutableRawBufferPointer(rebasing: output[storedLength..<(storedLength + plane.count)])
        var codec = PlaneCodec.stored
        var length = plane.count
        // A constant plane needs no histogram; otherwise a look at the plane's start first: noise (most
        // mantissa planes) is stored without a full histogram.
        let constant = plane.count > 1 && memcmp(plane.baseAddress!, plane.baseAddress! + 1, plane.count - 1) == 0
        let sample = UnsafeRawBufferPointer(rebasing: plane[0..<min(plane.count, Self.entropySampleBytes)])
        let sampleEntropy = !constant && sample.count < plane.count ? Self.entropy(sample, counts: histogram).bits : 0
        let entropy =
            constant
            ? 0
            : sampleEntropy / 8 >= Self.storeAboveEstimatedRatio
                ? sampleEntropy : Self.entropy(plane, counts: histogram).bits
        if entropy / 8 < Self.storeAboveEstimatedRatio {
            // Room for one byte less than raw: a plane that does not shrink is stored.
            let room = UnsafeMutableRawBufferPointer(rebasing: target[0..<(plane.count - 1)])
            if entropy < Self.lz77BelowEntropy {
                // A constant plane is one long run: written directly as distance-1 matches (zlib's Z_RLE
                // ratio, without a scan). Other low-entropy planes get zlib's LZ77 at the configured level.
                let compressed =
                    constant
                    ? RunDeflate.compress(byte: plane[0], count: plane.count, into: room)
                    : Deflate.compress(plane, into: room, level: Int32(level), strategy: Z_DEFAULT_STRATEGY)
                if let compressed {
                    codec = .deflate
                    length = compressed
                }
            } else if let compressed = HuffmanDeflate.compress(
                plane, counts: UnsafeBufferPointer(histogram), into: room)
            {
                codec = .deflateHuffman
                length = compressed
            }
        }
        let destination = UnsafeMutableRawPointer(output.baseAddress! + storedLength)
        if codec != .stored && inOutput {
            destination.copyMemory(from: target.baseAddress!, byteCount: length)
        } else if codec == .stored && inOutput && UnsafeRawPointer(destination) != plane.baseAddress {
            memmove(destination, plane.baseAddress!, length)  // overlapping: a plane moving down
        }
        storedLength += length
        return PlaneInfo(codec: codec, storedLength: Int64(length))
    }

    /// Shannon entropy of the bytes, in bits per byte, and the number of distinct byte values.
    /// The byte histogram is left in `counts` (256 entries).
    static func entropy(
        _ bytes: UnsafeRawBufferPointer, counts histogram: UnsafeMutableBufferPointer<Int>
    ) -> (bits: Double, distinct: Int) {
        histogram.initialize(repeating: 0)
        guard bytes.count > 0 else { return (0, 0) }
        // Four interleaved histograms: consecutive equal bytes do not wait on one counter.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 1024) { counts -> (Double, Int) in
            counts.initialize(repeating: 0)
            let base = counts.baseAddress!
            var index = 0
            while index &+ 4 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)
                base[Int(word & 0xFF)] &+= 1
                base[256 &+ Int((word >> 8) & 0xFF)] &+= 1
                base[512 &+ Int((word >> 16) & 0xFF)] &+= 1
                base[768 &+ Int(word >> 24)] &+= 1
                index &+= 4
            }
            while index < bytes.count {
                base[Int(bytes[index])] &+= 1
                index &+= 1
            }
            let total = Double(bytes.count)
            var bits = 0.0
            var distinct = 0
            for value in 0..<256 {
                let count = base[value] &+ base[256 &+ value] &+ base[512 &+ value] &+ base[768 &+ value]
                histogram[value] = count
                guard count > 0 else { continue }
                distinct += 1
                let p = Double(count) / total
                bits -= p * log2(p)
            }
            return (bits, distinct)
        }
    }
}
