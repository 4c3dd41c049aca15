import CairnFormat
import Testing

@Suite struct DTypeTests {
    @Test(arguments: DType.allCases)
    func namesRoundTrip(dtype: DType) {
        #expect(DType(name: dtype.name) == dtype)
        #expect([1, 2, 4, 8].contains(dtype.byteSize))
    }
}
