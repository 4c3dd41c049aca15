extension Tensor {
    /// The tensor with its elements converted to `dtype`.
    ///
    /// Float to f16/bf16 rounds to nearest, ties to even (NaN and infinity kept, subnormals exact);
    /// f16/bf16 to wider floats is exact; float to integer truncates toward zero and saturates (NaN gives 0);
    /// to bool gives 1 for any non-zero value. Integers go through `Int64` (exact) or `Double`.
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        let count = elementCount
        let size = target.byteSize
        let storage: [UInt8]
        if target.isFloatingPoint || !dtype.isFloatingPoint && target != .bool {
            let source: [Double]? =
                target.isFloatingPoint && dtype != .f32 && dtype != .f16 && dtype != .bf16 ? doubles() : nil
            let sourceFloats: [Float]? = source == nil && target.isFloatingPoint ? floats() : nil
            let sourceInts: [Int64]? = target.isFloatingPoint ? nil : int64s()
            storage = [UInt8](unsafeUninitializedCapacity: count * size) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                for index in 0..<count {
                    let offset = index * size
                    switch target {
                    case .f32:
                        let value = sourceFloats.map { $0[index] } ?? Float(source![index])
                        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                    case .f64:
                        let value = source.map { $0[index] } ?? Double(sourceFloats![index])
                        raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
                    case .f16:
                        let value = sourceFloats.map { $0[index] } ?? Float(source![index])
                        raw.storeBytes(
                            of: HalfConversion.halfFromFloat(value).littleEndian, toByteOffset: offset, as: UInt16.self)
                    case .bf16:
                        let value = sourceFloats.map { $0[index] } ?? Float(source![index])
                        raw.storeBytes(
                            of: HalfConversion.bfloat16FromFloat(value).littleEndian, toByteOffset: offset,
                            as: UInt16.self)
                    default:
                        Tensor.storeInteger(sourceInts![index], as: target, into: raw, at: offset)
                    }
                }
                initialized = count * size
            }
        } else {
            let values = target == .bool ? doubles().map { $0 != 0 && !$0.isNaN ? Int64(1) : 0 } : int64s()
            storage = [UInt8](unsafeUninitializedCapacity: count * size) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                for index in 0..<count { Tensor.storeInteger(values[index], as: target, into: raw, at: index * size) }
                initialized = count * size
            }
        }
        return Tensor(unchecked: target, shape: shape, bytes: storage)
    }

    /// Stores an integer, truncating to the target width (as a C cast would).
    private static func storeInteger(
        _ value: Int64, as target: DType, into raw: UnsafeMutableRawBufferPointer, at offset: Int
    ) {
        switch target {
        case .i8, .u8: raw[offset] = UInt8(truncatingIfNeeded: value)
        case .bool: raw[offset] = value != 0 ? 1 : 0
        case .i32:
            raw.storeBytes(of: Int32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: Int32.self)
        case .i64: raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int64.self)
        default: preconditionFailure("storeInteger called for \(target)")
        }
    }
}
