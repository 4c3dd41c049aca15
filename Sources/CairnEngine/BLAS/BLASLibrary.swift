#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A CBLAS library loaded at run time with `dlopen`, so the package builds without BLAS headers.
///
/// Search order: the path in `CAIRN_BLAS` (any CBLAS: OpenBLAS, MKL's `libmkl_rt.so`, BLIS), then the
/// system's OpenBLAS under its usual names and paths. `CAIRN_BLAS=none` skips the search and selects
/// the portable Swift GEMM.
///
/// Before the first `dlopen` the CPU is checked (the `flags` line of `/proc/cpuinfo` on Linux) and
/// `OPENBLAS_CORETYPE` is set to `SKYLAKEX` on AVX-512F machines, `HASWELL` on AVX2 ones, unless the
/// user set it already: old OpenBLAS builds (Debian's 0.3.21) do not recognise newer CPUs and fall
/// back to slow 'Prescott' kernels. The variable is read when OpenBLAS initialises, so it must be
/// set before loading.
///
/// The library is loaded once (`current`) and never unloaded; its function pointers are immutable.
public final class BLASLibrary: CustomStringConvertible, Sendable {
    /// `cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)`.
    public typealias SGEMM =
        @Sendable @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Float,
            UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
            Float, UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    private typealias CString = @convention(c) () -> UnsafePointer<CChar>?
    private typealias SetCInt = @convention(c) (Int32) -> Void

    /// The CBLAS enumeration values used by every CBLAS implementation.
    static let rowMajor: Int32 = 101
    static let noTranspose: Int32 = 111
    static let transpose: Int32 = 112

    /// The library this process uses, or nil when none was found (GEMM then runs in portable Swift).
    public static let current: BLASLibrary? = loadFirstAvailable()

    /// A one-line description of the GEMM library in use: e.g. `OpenBLAS 0.3.21 (libopenblas.so.0),
    /// core SkylakeX` or `portable Swift GEMM`. `describe(threads:)` adds the engine's thread count.
    public static var activeDescription: String { current?.description ?? "portable Swift GEMM" }

    /// The file name or path the library was loaded from.
    public let path: String
    /// `cblas_sgemm`.
    public let sgemm: SGEMM
    /// OpenBLAS's kernel name (`openblas_get_corename`), when the library is OpenBLAS.
    public let coreName: String?
    /// Whether the library was pinned to one thread of its own at load (`openblas_set_num_threads(1)`),
    /// so that the engine's `ThreadTeam` can split products across threads itself. Libraries without
    /// thread control (Accelerate, a bare CBLAS) keep their own threading and are not split.
    public let runsSingleThreaded: Bool
    /// OpenBLAS's build configuration (`openblas_get_config`), e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ...`.
    public let configuration: String?

    private init(path: String, sgemm: SGEMM, coreName: String?, runsSingleThreaded: Bool, configuration: String?) {
        self.path = path
        self.sgemm = sgemm
        self.coreName = coreName
        self.runsSingleThreaded = runsSingleThreaded
        self.configuration = configuration
    }

    public var description: String {
        var name = "CBLAS"
        if let configuration {
            let words = configuration.split(separator: " ")
            name = words.prefix(2).joined(separator: " ")
        }
        var text = "\(name) (\(path))"
        if let coreName { text += ", core \(coreName)" }
        return text
    }

    /// The GEMM in use and the engine's thread count, for `--verbose` output and checkpoint metadata:
    /// e.g. `OpenBLAS 0.3.21 (libopenblas.so.0), core SkylakeX, 2 threads` or `portable Swift GEMM, 2 threads`.
    public static func describe(threads: Int) -> String {
        "\(current?.description ?? "portable Swift GEMM"), \(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// Opens the library at `path` and resolves its symbols; nil when it cannot be opened or has no
    /// `cblas_sgemm`.
    public static func load(path: String) -> BLASLibrary? {
        selectOpenBLASKernel()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let sgemmSymbol = dlsym(handle, "cblas_sgemm") else {
            dlclose(handle)
            return nil
        }
        let sgemm = unsafeBitCast(sgemmSymbol, to: SGEMM.self)
        func string(_ symbol: String) -> String? {
            guard let pointer = dlsym(handle, symbol) else { return nil }
            guard let text = unsafeBitCast(pointer, to: CString.self)() else { return nil }
            return String(cString: text).trimmingTrailingWhitespace()
        }
        // The engine splits products across its own threads (ThreadTeam): OpenBLAS's threads would
        // compete with them, and spin on the cores between calls, so it runs each call on one thread.
        let setThreads = dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetCInt.self) }
        setThreads?(1)
        return BLASLibrary(
            path: path, sgemm: sgemm, coreName: string("openblas_get_corename"),
            runsSingleThreaded: setThreads != nil, configuration: string("openblas_get_config"))
    }

    /// The candidates in search order.
    static var candidatePaths: [String] {
        #if os(macOS)
            return ["/System/Library/Frameworks/Accelerate.framework/Accelerate"]
        #else
            return [
                "libopenblas.so.0", "libopenblas.so",
                "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
                "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
                "/usr/lib64/libopenblas.so.0", "/usr/local/lib/libopenblas.so.0",
                "/opt/OpenBLAS/lib/libopenblas.so.0",
            ]
        #endif
    }

    private static func loadFirstAvailable() -> BLASLibrary? {
        if let override = getenv("CAIRN_BLAS").map({ String(cString: $0) }), !override.isEmpty {
            if override == "none" { return nil }
            if let library = load(path: override) { return library }
            printNotice(
                "cairn: CAIRN_BLAS=\(override) could not be loaded or has no cblas_sgemm; searching the usual places")
        }
        for path in candidatePaths {
            if let library = load(path: path) { return library }
        }
        printNotice(
            "cairn: no BLAS library found (install libopenblas0 or set CAIRN_BLAS=/path/to/lib.so); using the portable Swift GEMM, which is slower"
        )
        return nil
    }

    /// Sets `OPENBLAS_CORETYPE` for this CPU unless the user has set it.
    private static func selectOpenBLASKernel() {
        guard getenv("OPENBLAS_CORETYPE") == nil else { return }
        let flags = CPUFeatures.current
        if flags.hasAVX512F {
            setenv("OPENBLAS_CORETYPE", "SKYLAKEX", 0)
        } else if flags.hasAVX2 {
            setenv("OPENBLAS_CORETYPE", "HASWELL", 0)
        }
    }

    static func printNotice(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
