import CairnFormat
import Foundation

/// The Python dict literal of an npy header: only the three keys NumPy writes, with string, boolean and
/// tuple-of-integer values.
enum NpyDictionary {
    struct Fields {
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
    }

    static func parse(_ text: String, fail: (String) -> CairnError) throws -> Fields {
        var scalars = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var fields = Fields()
        func skipSpace() { while let c = scalars.first, c == " " || c == "\n" || c == "\t" { scalars.removeFirst() } }
        func expect(_ c: Character) throws {
            skipSpace()
            guard scalars.first == c else { throw fail("expected '\(c)'") }
            scalars.removeFirst()
        }
        func string() throws -> String {
            skipSpace()
            guard let quote = scalars.first, quote == "'" || quote == "\"" else { throw fail("expected a string") }
            scalars.removeFirst()
            guard let end = scalars.firstIndex(of: quote) else { throw fail("unterminated string") }
            let value = String(scalars[..<end])
            scalars = scalars[scalars.index(after: end)...]
            return value
        }
        try expect("{")
        while true {
            skipSpace()
            if scalars.first == "}" { break }
            let key = try string()
            try expect(":")
            skipSpace()
            switch key {
            case "descr": fields.descr = try string()
            case "fortran_order":
                if scalars.hasPrefix("True") {
                    fields.fortranOrder = true; scalars.removeFirst(4)
                } else if scalars.hasPrefix("False") {
                    fields.fortranOrder = false; scalars.removeFirst(5)
                } else {
                    throw fail("fortran_order is not True or False")
                }
            case "shape":
                try expect("(")
                var dims: [Int] = []
                while true {
                    skipSpace()
                    if scalars.first == ")" { scalars.removeFirst(); break }
                    let digits = scalars.prefix { $0.isASCII && $0.isNumber }
                    guard !digits.isEmpty, digits.count <= 18, let value = Int(digits) else {
                        throw fail("shape is not a tuple of integers")
                    }
                    dims.append(value)
                    scalars.removeFirst(digits.count)
                    skipSpace()
                    if scalars.first == "," {
                        scalars.removeFirst()
                    } else if scalars.first != ")" {
                        throw fail("shape is not a tuple of integers")
                    }
                }
                fields.shape = dims
            default: throw fail("unexpected key '\(key)'")
            }
            skipSpace()
            if scalars.first == "," {
                scalars.removeFirst()
            } else if scalars.first != "}" {
                throw fail("expected ',' or '}'")
            }
        }
        return fields
    }
}
