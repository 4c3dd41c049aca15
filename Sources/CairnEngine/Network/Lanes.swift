/// Eight-float chunks for the element-wise hot loops: `SIMD8<Float>` loads and stores that are exact
/// for full chunks and lane-by-lane for the last partial one, so each loop states its formula once
/// and every element gets the same arithmetic wherever it falls. Loops run
/// `for i in stride(from: 0, to: count, by: Lanes.width)` with `lanes = min(width, count - i)`
/// (a closure-taking helper was not inlined and cost a call per chunk).
enum Lanes {
    typealias Vector = SIMD8<Float>
    static var width: Int { 8 }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, _ lanes: Int) -> Vector {
        if lanes == width { return UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self) }
        var vector = Vector()
        for lane in 0..<lanes { vector[lane] = pointer[lane] }
        return vector
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>, _ lanes: Int) -> Vector {
        load(UnsafePointer(pointer), lanes)
    }

    @inline(__always)
    static func store(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>, _ lanes: Int) {
        if lanes == width {
            UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
        } else {
            for lane in 0..<lanes { pointer[lane] = vector[lane] }
        }
    }
}
