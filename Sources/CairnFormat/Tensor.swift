/// A dense tensor: element type, shape and contiguous row-major little-endian bytes.
public struct Tensor: Sendable, Equatable {
    public let dtype: DType
    public let shape: [Int]
    /// Raw little-endian storage, `elementCount * dtype.byteSize` bytes.
    public let bytes: [UInt8]

    /// Number of elements (1 for a scalar, the product of the dimensions).
    public var elementCount: Int { shape.reduce(1, *) }

    /// A tensor over existing bytes; throws `invalidArgument` if the shape is invalid or the byte count
    /// is not `elementCount * dtype.byteSize`.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        guard let count = Tensor.checkedElementCount(shape) else {
            throw CairnError(
                path: "",
                kind: .invalidArgument(
                    "shape \(shape) has a negative dimension, rank above \(FormatLimits.maxRank) or too many elements"))
        }
        guard bytes.count == count * dtype.byteSize else {
            throw CairnError(
                path: "",
                kind: .invalidArgument(
                    "\(bytes.count) bytes for \(count) elements of \(dtype.name) (expected \(count * dtype.byteSize))"))
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Internal: bytes already checked.
    init(unchecked dtype: DType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// The element count of `shape`, or nil when a dimension is negative, the rank is above the format's
    /// limit or the count overflows the format's element limit.
    public static func checkedElementCount(_ shape: [Int]) -> Int? {
        guard shape.count <= FormatLimits.maxRank else { return nil }
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, Int64(product) <= FormatLimits.maxElementCount else { return nil }
            count = product
        }
        return count
    }

    /// An f32 tensor. Traps if `floats.count` does not match the shape (a programmer error).
    public init(shape: [Int], floats: [Float]) {
        self.init(shape: shape, values: floats, dtype: .f32) { $0.bitPattern }
    }

    /// An f64 tensor. Traps if `doubles.count` does not match the shape.
    public init(shape: [Int], doubles: [Double]) {
        self.init(shape: shape, values: doubles, dtype: .f64) { $0.bitPattern }
    }

    /// An i64 tensor. Traps if `int64s.count` does not match the shape.
    public init(shape: [Int], int64s: [Int64]) {
        self.init(shape: shape, values: int64s, dtype: .i64) { UInt64(bitPattern: $0) }
    }

    /// An i64 tensor holding the bit patterns of `uint64s` (used for RNG state).
    public init(shape: [Int], uint64s: [UInt64]) {
        self.init(shape: shape, values: uint64s, dtype: .i64) { $0 }
    }

    private init<Value, Bits: FixedWidthInteger>(shape: [Int], values: [Value], dtype: DType, bits: (Value) -> Bits) {
        precondition(
            Tensor.checkedElementCount(shape) == values.count, "Tensor: \(values.count) values for shape \(shape)")
        let size = MemoryLayout<Bits>.size
        let storage = [UInt8](unsafeUninitializedCapacity: values.count * size) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            values.withUnsafeBufferPointer { source in
                for (index, value) in source.enumerated() {
                    raw.storeBytes(of: bits(value).littleEndian, toByteOffset: index * size, as: Bits.self)
                }
            }
            initialized = values.count * size
        }
        self.init(unchecked: dtype, shape: shape, bytes: storage)
    }

    /// Every element as `Float` (f16/bf16 exactly, integers by value, bool as 0/1).
    public func floats() -> [Float] {
        if dtype == .f32 {
            return mapElements { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 4, as: UInt32.self)) }.map(
                Float.init(bitPattern:))
        }
        return mapElements { Float(elementAsDouble($0, $1)) }
    }

    /// Every element as `Double` (floats exactly, integers by value, bool as 0/1).
    public func doubles() -> [Double] {
        mapElements { elementAsDouble($0, $1) }
    }

    /// Every element as `Int64` (integers exactly, floats truncated toward zero and clamped, NaN as 0).
    public func int64s() -> [Int64] {
        switch dtype {
        case .i64: return mapElements { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 8, as: Int64.self)) }
        case .f32, .f64, .f16, .bf16:
            return mapElements { buffer, index in
                let value = elementAsDouble(buffer, index)
                if value.isNaN { return 0 }
                if value >= 0x1p63 { return .max }
                if value < -0x1p63 { return .min }
                return Int64(value)
            }
        default: return mapElements { Int64(elementAsDouble($0, $1)) }
        }
    }

    /// The i64 bit patterns as `UInt64` (inverse of `init(shape:uint64s:)`); other dtypes via `int64s()`.
    public func uint64s() -> [UInt64] {
        int64s().map { UInt64(bitPattern: $0) }
    }

    private func mapElements<T>(_ element: (UnsafeRawBufferPointer, Int) -> T) -> [T] {
        let count = elementCount
        return bytes.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count { (buffer.baseAddress! + index).initialize(to: element(raw, index)) }
                initialized = count
            }
        }
    }

    @inline(__always)
    private func elementAsDouble(_ raw: UnsafeRawBufferPointer, _ index: Int) -> Double {
        switch dtype {
        case .f32:
            return Double(
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))))
        case .f64:
            return Double(
                bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
        case .f16:
            return Double(
                HalfConversion.floatFromHalf(
                    UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))))
        case .bf16:
            return Double(
                HalfConversion.floatFromBFloat16(
                    UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))))
        case .i8: return Double(Int8(bitPattern: raw[index]))
        case .u8, .bool: return Double(raw[index])
        case .i32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)))
        case .i64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)))
        }
    }
}
