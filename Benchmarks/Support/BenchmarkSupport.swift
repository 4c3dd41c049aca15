#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes `text` to standard error (the C `stderr` is a global variable, not safe to reach in Swift 6).
public func printError(_ text: String) {
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}

/// Seconds on `clock`: the monotonic wall clock by default, or the process's processor time with
/// `CLOCK_PROCESS_CPUTIME_ID` (steadier than wall time on a shared machine).
public func clockSeconds(on clock: clockid_t = CLOCK_MONOTONIC) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
