import CairnFormat
import Foundation

/// Reads NumPy's `.npy` format (versions 1-3): C-order arrays of float32, float64, (u)int8/16/32/64
/// and bool, either byte order.
public enum NPYLoader {
    /// A decoded array: its shape and values as Float.
    public struct Array: Sendable {
        public var shape: [Int]
        public var values: [Float]
    }

    public static let maximumFileSize = 8 << 30

    /// Loads features (rank 1 or more; rank 1 means one feature per sample; rank 3 `[N, C, L]` gives `[C, L]`
    /// samples, rank 4 `[N, C, H, W]` gives `[C, H, W]`) and a labels file.
    public static func load(features: String, labels: String) throws -> Dataset {
        let x = try read(path: features)
        let y = try read(path: labels)
        let count = x.shape.first ?? 1
        guard y.shape.count == 1, y.shape[0] == count else {
            throw CairnError.data(
                path: labels, "has labels of shape \(y.shape), expected [\(count)] to match \(features)")
        }
        let ids = try DatasetTargets.classIDs(y.values, path: labels)
        let width = try Dataset.sampleWidth(of: x.shape, path: features)
        // `[N, C, L]` holds sequences and `[N, C, H, W]` images; other ranks are feature vectors.
        let sampleShape = (3...4).contains(x.shape.count) ? Swift.Array(x.shape.dropFirst()) : [width]
        return Dataset(
            source: features, features: x.values, width: width, targets: .labels(ids), sampleShape: sampleShape)
    }

    /// Reads a `.npy` file chunk by chunk into its Float values, so that loading holds the values and one
    /// 4 MiB chunk, not the file's bytes as well.
    public static func read(path: String) throws -> Array {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CairnError(path: path, kind: .notFound)
        }
        guard !isDirectory.boolValue else { throw CairnError.data(path: path, "is a directory, not a data file") }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
            throw CairnError(.io, path: path, "cannot be read", cause: error)
        }
        defer { try? handle.close() }
        func next(_ count: Int) throws -> Data {
            do { return try handle.read(upToCount: count) ?? Data() } catch {
                throw CairnError(.io, path: path, "cannot be read", cause: error)
            }
        }
        let fileSize: Int
        do { fileSize = Int(try handle.seekToEnd()); try handle.seek(toOffset: 0) } catch {
            throw CairnError(.io, path: path, "cannot be read", cause: error)
        }
        guard fileSize <= maximumFileSize else {
            throw CairnError.data(path: path, "is \(fileSize) bytes, more than the limit of \(maximumFileSize)")
        }
        var prefix = try next(12)
        let headerEnd = try Header.end(of: [UInt8](prefix), fileSize: fileSize, path: path)
        if headerEnd > prefix.count { prefix += try next(headerEnd - prefix.count) }
        let header = try Header(prefix: [UInt8](prefix.prefix(headerEnd)), dataBytes: fileSize - headerEnd, path: path)
        let chunkElements = max(1, (4 << 20) / header.size)
        var done = 0
        var failure: Error?
        let values = [Float](unsafeUninitializedCapacity: header.count) { buffer, initialized in
            while done < header.count {
                let elements = min(chunkElements, header.count - done)
                let chunk: Data
                do { chunk = try next(elements * header.size) } catch { failure = error; break }
                guard chunk.count == elements * header.size else {
                    failure = CairnError.data(
                        path: path, "is truncated: its data ends before the \(header.count) values its header declares")
                    break
                }
                chunk.withUnsafeBytes { raw in
                    header.convert(raw, into: UnsafeMutableBufferPointer(rebasing: buffer[done..<(done + elements)]))
                }
                done += elements
            }
            // Anything not read is zero, so the array is whole even when reading failed.
            if done < header.count { (buffer.baseAddress! + done).initialize(repeating: 0, count: header.count - done) }
            initialized = header.count
        }
        if let failure { throw failure }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw CairnError.data(path: path, "element \(bad) is not a finite number")
        }
        return Array(shape: header.shape, values: values)
    }

    /// Decodes a whole `.npy` file held in memory.
    static func decode(_ data: Data, path: String) throws -> Array {
        let bytes = [UInt8](data)
        let headerEnd = try Header.end(of: bytes, fileSize: bytes.count, path: path)
        let header = try Header(
            prefix: Swift.Array(bytes[0..<headerEnd]), dataBytes: bytes.count - headerEnd, path: path)
        var values = [Float](repeating: 0, count: header.count)
        bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer {
                header.convert(UnsafeRawBufferPointer(rebasing: raw[headerEnd...]), into: $0)
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw CairnError.data(path: path, "element \(bad) is not a finite number")
        }
        return Array(shape: header.shape, values: values)
    }

    /// A `.npy` header: the element type, byte order and shape.
    struct Header {
        var kind: Character
        var size: Int
        var bigEndian: Bool
        var shape: [Int]
        var count: Int

        /// Where the header ends (the data starts), from the file's first 12 bytes.
        static func end(of bytes: [UInt8], fileSize: Int, path: String) throws -> Int {
            let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
            guard bytes.count >= 10, Swift.Array(bytes[0..<6]) == magic else {
                throw CairnError.data(path: path, "is not a .npy file (bad magic)")
            }
            let headerLength: Int
            let headerStart: Int
            switch bytes[6] {
            case 1:
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
                headerStart = 10
            case 2, 3:
                guard bytes.count >= 12 else { throw CairnError.data(path: path, "is truncated in its .npy header") }
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
                headerStart = 12
            default:
                throw CairnError.data(path: path, "has unsupported .npy version \(bytes[6])")
            }
            guard headerLength <= 1 << 20, headerStart + headerLength <= fileSize else {
                throw CairnError.data(path: path, "has a .npy header length \(headerLength) beyond the file")
            }
            return headerStart + headerLength
        }

        /// Parses the header dictionary in `prefix` (the file up to the data) and checks that `dataBytes`
        /// hold exactly the declared values.
        init(prefix bytes: [UInt8], dataBytes: Int, path: String) throws {
            let headerStart = bytes[6] == 1 ? 10 : 12
            guard let header = String(bytes: bytes[headerStart...], encoding: .utf8) else {
                throw CairnError.data(path: path, "has a .npy header that is not text")
            }
            let descr = try NPYLoader.field("descr", in: header, path: path)
            let fortran = try NPYLoader.field("fortran_order", in: header, path: path)
            let shapeText = try NPYLoader.field("shape", in: header, path: path)
            guard fortran.hasPrefix("False") else {
                throw CairnError.data(path: path, "is in Fortran order; save it with C order")
            }
            let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
            guard dtype.count >= 2, let kind = dtype.dropFirst().first,
                let size = Int(dtype.dropFirst(2))
            else { throw CairnError.data(path: path, "has unknown dtype '\(dtype)'") }
            let order = dtype.first!
            guard order == "<" || order == ">" || order == "|" || order == "=" else {
                throw CairnError.data(path: path, "has unknown byte order in dtype '\(dtype)'")
            }
            let supported: Set<String> = ["f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]
            guard supported.contains("\(kind)\(size)") else {
                throw CairnError.data(path: path, "has unsupported dtype '\(dtype)'")
            }
            let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            var shape = [Int]()
            for part in inner.split(separator: ",") {
                let t = part.trimmingCharacters(in: .whitespaces)
                if t.isEmpty { continue }
                guard let d = Int(t), d >= 0 else { throw CairnError.data(path: path, "has a bad shape \(shapeText)") }
                shape.append(d)
            }
            var count = 1
            for d in shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o, p <= dataBytes else {
                    throw CairnError.data(path: path, "declares shape \(shape), more than the file holds")
                }
                count = p
            }
            guard dataBytes == count * size else {
                throw CairnError.data(
                    path: path, "holds \(dataBytes) data bytes, but shape \(shape) of \(dtype) needs \(count * size)")
            }
            self.kind = kind
            self.size = size
            self.bigEndian = order == ">"
            self.shape = shape
            self.count = count
        }

        /// Converts `values.count` elements of raw data to Float.
        func convert(_ body: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>) {
            if kind == "f", size == 4, !bigEndian {
                // The common case: little-endian float32, copied as is.
                UnsafeMutableRawBufferPointer(values).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: body[0..<(values.count * 4)]))
                return
            }
            for i in 0..<values.count {
                let o = i * size
                func u<T: FixedWidthInteger>(_: T.Type) -> T {
                    let v = body.loadUnaligned(fromByteOffset: o, as: T.self)
                    return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
                }
                switch (kind, size) {
                case ("f", 4): values[i] = Float(bitPattern: u(UInt32.self))
                case ("f", 8): values[i] = Float(Double(bitPattern: u(UInt64.self)))
                case ("i", 1): values[i] = Float(Int8(bitPattern: body[o]))
                case ("i", 2): values[i] = Float(u(Int16.self))
                case ("i", 4): values[i] = Float(u(Int32.self))
                case ("i", 8): values[i] = Float(u(Int64.self))
                case ("u", 1), ("b", 1): values[i] = Float(body[o])
                case ("u", 2): values[i] = Float(u(UInt16.self))
                case ("u", 4): values[i] = Float(u(UInt32.self))
                default: values[i] = Float(u(UInt64.self))
                }
            }
        }
    }

    /// The text after `'key':` in a .npy header dictionary, up to the next top-level comma.
    static func field(_ key: String, in header: String, path: String) throws -> String {
        guard let range = header.range(of: "'\(key)':") else {
            throw CairnError.data(path: path, "has a .npy header without '\(key)'")
        }
        var depth = 0
        var out = ""
        for ch in header[range.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1; if depth == 0 { out.append(ch); break } }
            if ch == ",", depth == 0 { break }
            if ch == "}" { break }
            out.append(ch)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
