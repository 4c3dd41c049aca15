import Foundation

/// Checks that manifest bytes are a strict JSON object (spec section 5.1): UTF-8 without a byte order mark,
/// RFC 8259 grammar, every `\u` escape a Unicode scalar (surrogates only as a high-low pair), no key twice in
/// one object (compared after unescaping), arrays and objects nested at most `maxDepth` deep. The container
/// does not look further inside.
enum ManifestCheck {
    /// Deepest nesting of arrays and objects accepted; the top-level object is depth 1.
    static let maxDepth = 64

    static func isJSONObject(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var parser = StrictJSONParser(bytes: raw.bindMemory(to: UInt8.self))
            return parser.parseDocument()
        }
    }
}

/// A validating JSON parser that builds nothing but the keys of the objects it is inside (for duplicates).
/// Recursion is bounded by `ManifestCheck.maxDepth`.
private struct StrictJSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// True when the whole input is one JSON object, with optional whitespace around it.
    mutating func parseDocument() -> Bool {
        skipWhitespace()
        guard peek == UInt8(ascii: "{"), parseValue(depth: 0) else { return false }
        skipWhitespace()
        return position == bytes.count
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func expect(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] { return false }
        position += count
        return true
    }

    /// Parses one value at `position` (whitespace already skipped); `depth` is the nesting of its container.
    private mutating func parseValue(depth: Int) -> Bool {
        guard let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "{"): return parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return parseString(into: nil)
        case UInt8(ascii: "t"): return expect("true")
        case UInt8(ascii: "f"): return expect("false")
        case UInt8(ascii: "n"): return expect("null")
        default: return parseNumber()
        }
    }

    private mutating func parseObject(depth: Int) -> Bool {
        guard depth <= ManifestCheck.maxDepth else { return false }
        position += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return true
        }
        var keys = Set<[UInt8]>()
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { return false }
            var key: [UInt8] = []
            guard parseString(into: &key), keys.insert(key).inserted else { return false }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return false }
            position += 1
            skipWhitespace()
            guard parseValue(depth: depth) else { return false }
            skipWhitespace()
            guard let next = peek else { return false }
            position += 1
            if next == UInt8(ascii: "}") { return true }
            guard next == UInt8(ascii: ",") else { return false }
        }
    }

    private mutating func parseArray(depth: Int) -> Bool {
        guard depth <= ManifestCheck.maxDepth else { return false }
        position += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return true
        }
        while true {
            skipWhitespace()
            guard parseValue(depth: depth) else { return false }
            skipWhitespace()
            guard let next = peek else { return false }
            position += 1
            if next == UInt8(ascii: "]") { return true }
            guard next == UInt8(ascii: ",") else { return false }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func parseNumber() -> Bool {
        func digits(_ parser: inout StrictJSONParser) -> Int {
            let start = parser.position
            while let byte = parser.peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { parser.position += 1 }
            return parser.position - start
        }
        if peek == UInt8(ascii: "-") { position += 1 }
        if peek == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits(&self) > 0 else { return false }
        }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { return false }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { return false }
        }
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - position >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Parses a string at `position` (on its opening quote); appends its unescaped UTF-8 to `key` if given.
    private mutating func parseString(into key: UnsafeMutablePointer<[UInt8]>?) -> Bool {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return true
            }
            if byte < 0x20 { return false }
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard let escape = peek else { return false }
                position += 1
                let scalar: UInt32
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalar = UInt32(escape)
                case UInt8(ascii: "b"): scalar = 0x08
                case UInt8(ascii: "f"): scalar = 0x0C
                case UInt8(ascii: "n"): scalar = 0x0A
                case UInt8(ascii: "r"): scalar = 0x0D
                case UInt8(ascii: "t"): scalar = 0x09
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return false }
                    if (0xDC00...0xDFFF).contains(unit) { return false }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard expect("\\u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = unit
                    }
                default: return false
                }
                if let key, let value = Unicode.Scalar(scalar) {
                    key.pointee.append(contentsOf: Array(String(value).utf8))
                }
                continue
            }
            let length = validUTF8SequenceLength(at: position)
            guard length > 0 else { return false }
            key?.pointee.append(contentsOf: bytes[position..<(position + length)])
            position += length
        }
        return false
    }

    /// Length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0.
    private func validUTF8SequenceLength(at index: Int) -> Int {
        let first = bytes[index]
        if first < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard bytes.count - index >= length else { return 0 }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return 0 }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
