import CairnFormat
import Foundation

/// `cairn-inspect --tensor NAME`: statistics recomputed from the data, the stored statistics they should
/// match, and a slice of values in row-major order. `--json` keys: `name`, `dtype`, `shape`, `role`,
/// `elements`, `statistics` and `stored_statistics` (each `min`, `max`, `mean`, `std`, `zeros`, `nan`,
/// `inf`, `all_equal`), `statistics_match`, `slice_start`, `slice_end`, `values` (numbers; non-finite
/// floats as `"nan"`, `"inf"`, `"-inf"`).
public struct TensorReport: Codable, Sendable {
    public struct Statistics: Codable, Sendable, Equatable {
        public var min: Double
        public var max: Double
        public var mean: Double
        public var std: Double
        public var zeros: Int64
        public var nan: Int64
        public var inf: Int64
        public var allEqual: Bool

        init(_ s: TensorStatistics) {
            min = s.min
            max = s.max
            mean = s.mean
            std = s.standardDeviation
            zeros = s.zeroCount
            nan = s.nanCount
            inf = s.infinityCount
            allEqual = s.allEqual
        }

        func agrees(with other: Statistics) -> Bool {
            func close(_ a: Double, _ b: Double) -> Bool {
                a == b || abs(a - b) <= 1e-9 * Swift.max(abs(a), abs(b), 1e-300)
            }
            return zeros == other.zeros && nan == other.nan && inf == other.inf && allEqual == other.allEqual
                && min == other.min && max == other.max && close(mean, other.mean) && close(std, other.std)
        }

        private enum CodingKeys: String, CodingKey {
            case min, max, mean, std, zeros, nan, inf, allEqual = "all_equal"
        }
    }

    /// A value: integers exactly, floats as doubles.
    public enum Value: Codable, Sendable, Equatable {
        case integer(Int64)
        case float(Double)

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let value): try container.encode(value)
            case .float(let value): try container.encode(value)
            }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int64.self) {
                self = .integer(value)
            } else {
                self = .float(try container.decode(Double.self))
            }
        }

        var text: String {
            switch self {
            case .integer(let value): return String(value)
            case .float(let value): return ReportFormatting.number(value, digits: 8)
            }
        }
    }

    public var name: String
    public var dtype: String
    public var shape: [Int]
    public var role: String
    public var elements: Int
    public var statistics: Statistics
    public var storedStatistics: Statistics
    public var statisticsMatch: Bool
    public var sliceStart: Int
    public var sliceEnd: Int
    public var values: [Value]

    private enum CodingKeys: String, CodingKey {
        case name, dtype, shape, role, elements, statistics, storedStatistics = "stored_statistics"
        case statisticsMatch = "statistics_match", sliceStart = "slice_start", sliceEnd = "slice_end", values
    }

    /// Reads tensor `name` and summarises it; `slice` is clamped to the element range.
    public init(info: TensorInfo, tensor: Tensor, slice: Range<Int>) {
        name = info.name
        dtype = info.dtype.name
        shape = info.shape
        role = info.role.rawValue
        elements = tensor.elementCount
        statistics = tensor.bytes.withUnsafeBytes { Statistics(TensorStatistics(dtype: tensor.dtype, bytes: $0)) }
        storedStatistics = Statistics(info.statistics)
        statisticsMatch = statistics.agrees(with: storedStatistics)
        sliceStart = min(max(slice.lowerBound, 0), elements)
        sliceEnd = min(max(slice.upperBound, sliceStart), elements)
        values = TensorReport.values(of: tensor, in: sliceStart..<sliceEnd)
    }

    static func values(of tensor: Tensor, in range: Range<Int>) -> [Value] {
        guard !range.isEmpty else { return [] }
        let size = tensor.dtype.byteSize
        let part = try? Tensor(
            dtype: tensor.dtype, shape: [range.count],
            bytes: Array(tensor.bytes[(range.lowerBound * size)..<(range.upperBound * size)]))
        guard let part else { return [] }
        if tensor.dtype.isFloatingPoint { return part.doubles().map { .float($0) } }
        return part.int64s().map { .integer($0) }
    }

    /// The human-readable form.
    public func text() -> String {
        typealias F = ReportFormatting
        var lines = ["tensor    \(name) (\(dtype) \(F.shape(shape)), role \(role), \(F.grouped(elements)) elements)"]
        lines.append(
            "min \(F.number(statistics.min))  max \(F.number(statistics.max))  mean \(F.number(statistics.mean))  std \(F.number(statistics.std))"
        )
        lines.append(
            "zeros \(statistics.zeros)  NaN \(statistics.nan)  infinity \(statistics.inf)"
                + (statistics.allEqual ? "  (all elements equal)" : ""))
        if !statisticsMatch { lines.append("warning: the statistics stored in the file differ from the data's") }
        lines.append("values [\(sliceStart)..<\(sliceEnd)] (row-major):")
        var row: [String] = []
        for value in values {
            row.append(value.text)
            if row.count == 8 {
                lines.append("  " + row.joined(separator: "  "))
                row = []
            }
        }
        if !row.isEmpty { lines.append("  " + row.joined(separator: "  ")) }
        return lines.joined(separator: "\n") + "\n"
    }
}
