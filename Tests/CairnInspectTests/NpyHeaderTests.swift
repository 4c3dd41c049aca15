import CairnFormat
import Testing
@testable import CairnInspect

@Suite struct NpyHeaderTests {
    @Test(arguments: DType.allCases, [[], [0], [1], [3, 4], [2, 1, 70000]])
    func encodeDecode(dtype: DType, shape: [Int]) throws {
        let bytes = NpyHeader(dtype: dtype, shape: shape).encoded()
        #expect(bytes.count % 64 == 0)
        #expect(bytes.last == 0x0A)
        let decoded = try NpyHeader.decode(bytes, path: "x.npy", item: nil)
        #expect(decoded.dtype == dtype && decoded.shape == shape && decoded.dataOffset == bytes.count)
    }

    @Test func numpyStyleHeaderParses() throws {
        let text = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
        var bytes: [UInt8] =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.utf8.count + 1), 0] + Array(text.utf8) + [0x0A]
        let header = try NpyHeader.decode(bytes, path: "x.npy", item: nil)
        #expect(header.dtype == .f64 && header.shape == [2, 3] && header.dataOffset == bytes.count)
        bytes[1] = 0
        #expect(throws: CairnError.self) { try NpyHeader.decode(bytes, path: "x.npy", item: nil) }
    }

    @Test(arguments: [
        ("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "Fortran"),
        ("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", "no Cairn equivalent"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "shape"),
        ("{'descr': '<f4', 'fortran_order': False }", "shape"),
        ("not a dict", "expected"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", "too large"),
    ])
    func hostileHeadersFailClearly(text: String, fragment: String) throws {
        let bytes: [UInt8] =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.utf8.count + 1), 0] + Array(text.utf8) + [0x0A]
        let error = try #require(throws: CairnError.self) { try NpyHeader.decode(bytes, path: "bad.npy", item: nil) }
        #expect(error.description.hasPrefix("bad.npy: "))
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test func truncatedHeader() throws {
        let bytes = Array(NpyHeader(dtype: .f32, shape: [2]).encoded().prefix(40))
        let error = try #require(throws: CairnError.self) { try NpyHeader.decode(bytes, path: "cut.npy", item: nil) }
        #expect(error.description.contains("truncated") && error.code == .truncated)
    }
}
