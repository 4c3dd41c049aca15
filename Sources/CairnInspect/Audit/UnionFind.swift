/// Disjoint sets over `0..<count` with path halving and union by the smaller root index, so every set's
/// root is its smallest member.
struct UnionFind {
    private(set) var parent: [Int32]

    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
    }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    /// Joins the sets of `a` and `b`; the smaller root becomes the root.
    mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra == rb { return }
        if ra < rb { parent[rb] = Int32(ra) } else { parent[ra] = Int32(rb) }
    }
}
