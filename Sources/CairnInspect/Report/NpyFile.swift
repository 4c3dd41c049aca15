import CairnFormat

/// Writes one tensor as a NumPy `.npy` file (version 1.0 header, dtype kept; bf16 as raw `<u2` bits,
/// see `NpyHeader`), atomically: a temporary file renamed into place, removed on failure.
public enum NpyFile {
    public static func write(_ tensor: Tensor, to path: String) throws {
        let output = try AtomicOutputFile(path: path)
        do {
            try output.write(NpyHeader(dtype: tensor.dtype, shape: tensor.shape).encoded())
            try output.write(tensor.bytes)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }
}
