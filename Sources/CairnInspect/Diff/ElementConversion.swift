import CairnFormat

/// Values of any dtype as doubles, for comparing tensors whose dtypes differ or are not f32/f64.
enum ElementConversion {
    /// Converts `output.count` little-endian elements of `dtype` from `bytes` (bool as 0/1; f16 and bf16
    /// exactly, as every one of their values is a double).
    static func doubles(
        _ dtype: DType, _ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Double>
    ) {
        let n = output.count
        switch dtype {
        case .f32:
            for i in 0..<n {
                output[i] = Double(
                    Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                )
            }
        case .f64:
            for i in 0..<n {
                output[i] = Double(
                    bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            }
        case .f16:
            for i in 0..<n {
                output[i] = Double(
                    HalfConversion.floatFromHalf(
                        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            }
        case .bf16:
            for i in 0..<n {
                output[i] = Double(
                    HalfConversion.floatFromBFloat16(
                        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            }
        case .i8: for i in 0..<n { output[i] = Double(Int8(bitPattern: bytes[i])) }
        case .u8: for i in 0..<n { output[i] = Double(bytes[i]) }
        case .bool: for i in 0..<n { output[i] = bytes[i] == 0 ? 0 : 1 }
        case .i32:
            for i in 0..<n {
                output[i] = Double(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            }
        case .i64:
            for i in 0..<n {
                output[i] = Double(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
            }
        }
    }
}
