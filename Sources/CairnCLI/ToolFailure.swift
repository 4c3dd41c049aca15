import ArgumentParser
import CairnFormat
import Foundation

/// Prints one line on standard error.
public func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs a tool's body; any error becomes one line `TOOL: message` on standard error and exit status 2
/// (trouble). Argument-parser errors and explicit exit codes pass through unchanged.
public func runReportingErrors(tool: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("\(tool): \(describe(error))")
        throw ExitCode(ExitStatus.trouble.rawValue)
    }
}

/// A one-line description of any error: a `CairnError` describes itself (the file, the place, what is wrong
/// and the cause); Foundation's errors give their localized description.
public func describe(_ error: Error) -> String {
    CairnError.describe(error)
}
