#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The x86 vector extensions that decide which OpenBLAS kernel to ask for.
///
/// Read from the `flags` line of `/proc/cpuinfo` on Linux (Swift has no inline assembly for CPUID;
/// the kernel reports the same bits). Elsewhere every flag is false and nothing is forced.
public struct CPUFeatures: Sendable, Equatable {
    public var hasAVX2: Bool
    public var hasAVX512F: Bool

    /// The features of this machine, read once.
    public static let current = CPUFeatures(cpuinfo: readCPUInfo())

    /// Parses the first `flags` line of `/proc/cpuinfo` text.
    public init(cpuinfo: String) {
        var flags = Set<Substring>()
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            if let colon = line.firstIndex(of: ":") {
                flags = Set(line[line.index(after: colon)...].split(separator: " "))
            }
            break
        }
        hasAVX2 = flags.contains("avx2")
        hasAVX512F = flags.contains("avx512f")
    }

    private static func readCPUInfo() -> String {
        #if os(Linux)
            guard let file = fopen("/proc/cpuinfo", "r") else { return "" }
            defer { fclose(file) }
            var text = ""
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, Int32(buffer.count), file) != nil {
                let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                text += line
                if line.hasPrefix("flags") { break }
            }
            return text
        #else
            return ""
        #endif
    }
}
