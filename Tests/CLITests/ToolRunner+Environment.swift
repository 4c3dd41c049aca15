import Foundation

extension ToolRunner {
    /// Runs `tool` like `run(_:_:)` with `environment` changed from this process's: a nil value removes
    /// the variable.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment changes: [String: String?]) throws -> Result {
        let process = Process()
        process.executableURL = url(tool)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return finish((process, out, err))
    }
}
