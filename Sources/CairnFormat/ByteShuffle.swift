import CCairnKernels

/// The byte-shuffle filter: element bytes split into planes (plane `p` holds byte `p` of every element),
/// as HDF5's shuffle filter does. Low-mantissa planes of float data are noise; exponent planes compress.
enum ByteShuffle {
    /// Writes the planes of `source` (a whole number of `elementSize`-byte elements) into `planes`
    /// (same size): plane `p` occupies `planes[p * n ..< (p + 1) * n]` with `n = source.count / elementSize`.
    static func shuffle(_ source: UnsafeRawBufferPointer, elementSize: Int, into planes: UnsafeMutableRawBufferPointer)
    {
        precondition(planes.count >= source.count && source.count % elementSize == 0)
        let count = source.count / elementSize
        guard count > 0, let input = source.baseAddress, let output = planes.baseAddress else { return }
        let from = input.assumingMemoryBound(to: UInt8.self)
        let to = output.assumingMemoryBound(to: UInt8.self)
        if elementSize == 4 {
            cairn_shuffle4(from, count, to)  // SIMD kernel
            return
        }
        for plane in 0..<elementSize {
            let destination = to + plane &* count
            for index in 0..<count { destination[index] = from[index &* elementSize &+ plane] }
        }
    }

    /// Inverse of `shuffle`: `planes[p]` points at plane `p` (`count` bytes each); writes
    /// `count * planes.count` bytes to `destination`.
    static func unshuffle(planes: [UnsafeRawPointer], count: Int, into destination: UnsafeMutableRawPointer) {
        let elementSize = planes.count
        guard count > 0 else { return }
        if elementSize == 4 {
            cairn_unshuffle4(
                planes[0].assumingMemoryBound(to: UInt8.self), planes[1].assumingMemoryBound(to: UInt8.self),
                planes[2].assumingMemoryBound(to: UInt8.self), planes[3].assumingMemoryBound(to: UInt8.self),
                count, destination.assumingMemoryBound(to: UInt8.self))  // SIMD kernel
            return
        }
        let to = destination.assumingMemoryBound(to: UInt8.self)
        for (plane, source) in planes.enumerated() {
            let from = source.assumingMemoryBound(to: UInt8.self)
            for index in 0..<count { to[index &* elementSize &+ plane] = from[index] }
        }
    }
}
