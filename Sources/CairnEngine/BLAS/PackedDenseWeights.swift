import CCairnKernels

/// A dense node's weights packed once into panels for small-batch inference products
/// (`cairn_packed_dense_forward`: AVX-512 or AVX2 with FMA).
///
/// A BLAS repacks the weights inside every product; at a batch of 32 rows that costs about as much
/// memory traffic as the arithmetic. Inference runs every batch through the same weights, so packing them
/// once and running a register-tiled kernel over the packed panels is faster there. Each output is the
/// in-order sum over the inputs with one fused multiply-add per term, so a row's result depends only on
/// the row and the weights, not on the batch around it.
final class PackedDenseWeights {
    /// Panel width on this CPU: 16 (AVX-512), 8 (AVX2 + FMA), 0 (neither: no packing, the BLAS runs).
    static let panelWidth = Int(cairn_packed_dense_width())
    /// Batches of at most this many rows use the packed product; larger ones go to the BLAS, whose
    /// cache blocking wins once the repacking is spread over enough rows.
    static let maximumRows = 256

    /// Output units (rows of the stored weight) and inputs (its columns).
    let units: Int
    let inputs: Int
    /// The weight's `Parameter.revision` when it was packed.
    let revision: Int
    /// The panel width packed for, which picks the kernel.
    let width: Int
    private let panels: UnsafeMutablePointer<Float>

    /// Packs `weight` (`[units, inputs]`, row-major), or nil when this CPU has no packed kernel. `width`
    /// (tests only) picks a narrower kernel than the CPU's widest: 8 on an AVX-512 CPU runs the AVX2 one.
    init?(weight: Parameter, width: Int = PackedDenseWeights.panelWidth) {
        self.width = width
        guard width > 0, width <= Self.panelWidth, weight.shape.count == 2, weight.shape[0] > 0, weight.shape[1] > 0
        else { return nil }
        units = weight.shape[0]
        inputs = weight.shape[1]
        revision = weight.revision
        let count = cairn_packed_dense_count(Int32(width), units, inputs)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        panels = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        weight.values.withUnsafeBufferPointer { w in
            cairn_packed_dense_pack(Int32(width), units, inputs, w.baseAddress!, inputs, panels)
        }
    }

    deinit {
        panels.deallocate()
    }

    /// `y[rows x units] = x[rows x inputs] * weight^T` (row strides `ldx`, `ldy`), on the calling thread.
    func multiply(rows: Int, x: UnsafePointer<Float>, ldx: Int, y: UnsafeMutablePointer<Float>, ldy: Int) {
        cairn_packed_dense_forward(Int32(width), rows, units, inputs, x, ldx, panels, y, ldy)
    }
}
