/// Why a safetensors, npz or npy file cannot be read or written. `description` is one line naming the
/// file, the part and the cause, e.g.
/// `model.safetensors: tensor fc1.weight: data_offsets [0, 96) hold 96 bytes, shape [4, 8] of F32 needs 128`.
public struct InteropError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file ends before a structure it declares.
        case truncated(String)
        /// A structural rule of the format is broken (the message says which).
        case malformed(String)
        /// A declared size is above a reader limit.
        case limitExceeded(String)
        /// The file uses something this tool does not convert (a dtype, a compression method).
        case unsupported(String)
        /// The tensors cannot be turned into what was asked (a graph that does not fit, no MLP).
        case invalidModel(String)
    }

    /// The file the error is about.
    public var path: String
    /// The tensor or archive member involved, if any.
    public var item: String?
    public var kind: Kind

    public init(path: String, item: String? = nil, _ kind: Kind) {
        self.path = path
        self.item = item
        self.kind = kind
    }

    public var description: String {
        let place = item.map { "\(path): \($0): " } ?? "\(path): "
        switch kind {
        case .truncated(let what): return place + "file truncated: \(what)"
        case .malformed(let what): return place + "malformed file: \(what)"
        case .limitExceeded(let what): return place + "limit exceeded: \(what)"
        case .unsupported(let what): return place + "unsupported: \(what)"
        case .invalidModel(let what): return place + what
        }
    }
}
