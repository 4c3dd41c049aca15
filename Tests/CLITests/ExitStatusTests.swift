import CairnCLI
import Testing

@Suite struct ExitStatusTests {
    @Test func codesAreTheDocumentedContract() {
        #expect(ExitStatus.ok.rawValue == 0)
        #expect(ExitStatus.found.rawValue == 1)
        #expect(ExitStatus.trouble.rawValue == 2)
        #expect(ExitStatus.usage.rawValue == 64)
        #expect(ExitStatus.interrupted.rawValue == 130)
        #expect(ExitStatus.terminated.rawValue == 143)
    }
}
