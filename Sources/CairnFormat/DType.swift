/// The element type of a tensor, as recorded in a `.cairn` tensor directory.
///
/// The raw values are the on-disk codes (one byte, see `Formats/cairn-v1.md`); they never change.
public enum DType: UInt8, CaseIterable, Sendable, Codable {
    case f32 = 1
    case f64 = 2
    case f16 = 3
    case bf16 = 4
    case i8 = 5
    case u8 = 6
    case i32 = 7
    case i64 = 8
    case bool = 9

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// The lower-case name used in messages, JSON output and the spec (`f32`, `bf16`, ...).
    public var name: String {
        switch self {
        case .f32: return "f32"
        case .f64: return "f64"
        case .f16: return "f16"
        case .bf16: return "bf16"
        case .i8: return "i8"
        case .u8: return "u8"
        case .i32: return "i32"
        case .i64: return "i64"
        case .bool: return "bool"
        }
    }

    /// Parses a name as printed by `name`.
    public init?(name: String) {
        guard let match = DType.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// Whether the type is a floating-point type (statistics count NaN and infinity only for these).
    public var isFloatingPoint: Bool {
        switch self {
        case .f32, .f64, .f16, .bf16: return true
        default: return false
        }
    }
}
