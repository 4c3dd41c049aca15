extension CairnError {
    /// An operating-system call on `path` failed: `path: I/O error: WHAT: strerror`, with the errno kept in a
    /// ``SystemCallError`` as the cause.
    public static func io(path: String, _ what: String, call: String, errno: Int32, offset: Int64? = nil) -> CairnError
    {
        CairnError(
            .io, path: path, offset: offset, "I/O error: \(what)", cause: SystemCallError(call: call, errno: errno))
    }

    /// A layer graph that cannot be built, naming the node at fault when one is
    /// (`graph node 'dense1': units must be positive`, or `graph: no input node`).
    public static func graph(node: String?, _ message: String, path: String = "") -> CairnError {
        CairnError(.invalidGraph, path: path, node: node, node == nil ? "graph: \(message)" : message)
    }

    /// A data file that cannot be used, naming the line when known.
    public static func data(
        path: String, line: Int? = nil, _ message: String, cause: (any Error & Sendable)? = nil
    )
        -> CairnError
    {
        CairnError(.invalidData, path: path, line: line, message, cause: cause)
    }

    /// A sound container that is not a usable checkpoint.
    public static func checkpoint(
        path: String, tensor: String? = nil, _ message: String,
        cause: (any Error & Sendable)? = nil
    ) -> CairnError {
        CairnError(.invalidCheckpoint, path: path, tensor: tensor, message, cause: cause)
    }

    /// Two things that do not fit together (data and model, a checkpoint and a graph, two models).
    public static func incompatible(
        path: String, _ message: String, cause: (any Error & Sendable)? = nil
    )
        -> CairnError
    {
        CairnError(.incompatible, path: path, message, cause: cause)
    }

    /// Options that do not fit the inputs or one another.
    public static func configuration(path: String = "", _ message: String) -> CairnError {
        CairnError(.invalidConfiguration, path: path, message)
    }

    /// A configuration value that cannot be used (out of range, contradicting another, not applying to the
    /// run), named by its command-line `option` (`--freeze`); the tools report it as a usage error (exit 64).
    public static func configuration(option: String, _ message: String) -> CairnError {
        var error = CairnError(.invalidConfiguration, message)
        error.option = option
        return error
    }

    /// `error` as an error about `path`: a `CairnError` whose description already names `path` as it is, one
    /// about no file with `path` filled in, any other error as the cause of one naming `path` (keeping a
    /// `CairnError`'s code, else `code`).
    public static func naming(_ path: String, _ error: any Error, otherwise code: Code = .io) -> CairnError {
        if var error = error as? CairnError {
            if error.description.contains(path) { return error }
            if error.path.isEmpty {
                error.path = path
                return error
            }
            return CairnError(error.code, path: path, "", cause: error)
        }
        return CairnError(code, path: path, "", cause: error)
    }
}

extension CairnError {
    /// A structural rule of a file's format (Cairn, safetensors, npz, npy) is broken: `malformed file: WHAT`.
    public static func malformed(path: String, item: String? = nil, _ what: String) -> CairnError {
        CairnError(.malformed, path: path, item: item, "malformed file: \(what)")
    }

    /// A file ends before a structure it declares: `file truncated: WHAT`.
    public static func truncated(path: String, item: String? = nil, _ what: String) -> CairnError {
        CairnError(.truncated, path: path, item: item, "file truncated: \(what)")
    }

    /// A declared size is above a reader limit: `limit exceeded: WHAT`.
    public static func limitExceeded(path: String, item: String? = nil, _ what: String) -> CairnError {
        CairnError(.limitExceeded, path: path, item: item, "limit exceeded: \(what)")
    }

    /// A file uses something this library does not read (a dtype, a compression method): `unsupported: WHAT`.
    public static func unsupported(path: String, item: String? = nil, _ what: String) -> CairnError {
        CairnError(.unsupportedFeature, path: path, item: item, "unsupported: \(what)")
    }
}
