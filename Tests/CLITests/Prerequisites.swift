import Foundation

/// Tests that need something a machine may lack (root to mount a tmpfs) are skipped with the reason
/// in the test output. With `CAIRN_REQUIRE_ALL_TESTS=1` (set by `.ci/run`) they run regardless, so a
/// missing prerequisite there is a failure, not a skip.
enum Prerequisites {
    static var required: Bool { ProcessInfo.processInfo.environment["CAIRN_REQUIRE_ALL_TESTS"] == "1" }
}
