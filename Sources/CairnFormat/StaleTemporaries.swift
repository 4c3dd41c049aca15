#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// Temporary files that a killed writer left behind, found by the process id in their names: `.NAME.tmp-PID-RANDOM`
/// (an atomic file save) and `.NAME.PID.tmp` (a run folder's link update). A writer that is no longer running
/// will never rename its temporary file into place, so the next writer removes it.
public enum StaleTemporaries {
    /// Removes the temporary files in `directory` whose writer process no longer runs, only those of the file
    /// named `target` when given. Returns the names removed.
    @discardableResult
    public static func remove(in directory: String, target: String? = nil) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = [String]()
        for name in names where name.hasPrefix(".") && name.contains(".tmp") {
            if let target, !name.hasPrefix(".\(target).") { continue }
            guard let pid = writerProcess(ofTemporary: name), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink((directory as NSString).appendingPathComponent(name))
                removed.append(name)
            }
        }
        return removed
    }

    /// The process id embedded in a temporary file's name, if it has one.
    public static func writerProcess(ofTemporary name: String) -> pid_t? {
        if let range = name.range(of: ".tmp-") {
            return pid_t(name[range.upperBound...].prefix { $0.isNumber })
        }
        if name.hasSuffix(".tmp") {
            let parts = name.dropLast(4).split(separator: ".")
            return parts.last.flatMap { pid_t($0) }
        }
        return nil
    }
}
