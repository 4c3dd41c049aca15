/// The optimal assignment problem (Kuhn-Munkres, the Hungarian algorithm with potentials, O(n^3)):
/// given an n x n cost matrix, the permutation `p` minimising `sum cost[i][p[i]]`.
/// The same problem `scipy.optimize.linear_sum_assignment` solves.
public enum HungarianAssignment {
    /// The assignment of rows to columns of minimum total cost: `result[row] = column`. `cost` is
    /// row-major, `n * n` values; NaN and infinities are treated as costs larger than every finite one
    /// (so the algorithm always ends). Empty for n = 0 or a matrix of the wrong size.
    public static func minimumCost(_ cost: [Double], n: Int) -> [Int] {
        guard n > 0, cost.count == n * n else { return [] }
        let finite = cost.filter(\.isFinite)
        let ceiling = (finite.map(abs).max() ?? 0) * 4 + 1
        let cost = cost.map { $0.isFinite ? $0 : ($0 == -.infinity ? -ceiling : ceiling) }
        // Potentials u (rows) and v (columns), 1-based with a virtual row/column 0 (the classic e-maxx form).
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: n + 1)
        var columnOwner = [Int](repeating: 0, count: n + 1)  // row assigned to each column (0: none)
        var way = [Int](repeating: 0, count: n + 1)
        var minimum = [Double](repeating: 0, count: n + 1)
        var used = [Bool](repeating: false, count: n + 1)
        for row in 1...n {
            columnOwner[0] = row
            var column0 = 0
            for j in 0...n {
                minimum[j] = .infinity
                used[j] = false
            }
            repeat {
                used[column0] = true
                let row0 = columnOwner[column0]
                var delta = Double.infinity, column1 = 0
                for j in 1...n where !used[j] {
                    let reduced = cost[(row0 - 1) * n + (j - 1)] - u[row0] - v[j]
                    if reduced < minimum[j] {
                        minimum[j] = reduced
                        way[j] = column0
                    }
                    if minimum[j] < delta {
                        delta = minimum[j]
                        column1 = j
                    }
                }
                for j in 0...n {
                    if used[j] {
                        u[columnOwner[j]] += delta
                        v[j] -= delta
                    } else {
                        minimum[j] -= delta
                    }
                }
                column0 = column1
            } while columnOwner[column0] != 0
            repeat {
                let previous = way[column0]
                columnOwner[column0] = columnOwner[previous]
                column0 = previous
            } while column0 != 0
        }
        var assignment = [Int](repeating: 0, count: n)
        for column in 1...n where columnOwner[column] > 0 { assignment[columnOwner[column] - 1] = column - 1 }
        return assignment
    }

    /// The assignment of maximum total `score` (row-major n x n): `result[row] = column`.
    public static func maximumScore(_ score: [Double], n: Int) -> [Int] {
        minimumCost(score.map { -$0 }, n: n)
    }
}
