import ArgumentParser
import CairnEngine
import CairnAudit
import CairnInspect
import CairnModel
import Foundation

/// What `cairn-audit` does once its arguments are parsed: runs the audit, prints the report (text or
/// `--json`) on standard output, and exits 1 when there are findings.
public enum AuditLauncher {
    public static func run(_ configuration: Audit.Configuration, json: Bool) throws {
        let report = try Audit.run(configuration)
        print(json ? try ReportJSON.text(report) : report.text(), terminator: "")
        if report.hasFindings { throw ExitCode(ExitStatus.found.rawValue) }
    }

    /// `cairn-train`'s check of its initial weights before step 0 (`TrainingRun.start` runs it): findings on
    /// standard error (one line each, prefixed `audit:`). A failure of the audit itself is a notice, never a
    /// reason to stop training.
    public static func reportInitialAudit(_ result: Result<AuditReport, any Error>, quiet: Bool) {
        do {
            let report = try result.get()
            if !quiet || report.hasFindings {
                for finding in report.findings { printError("audit: \(finding)") }
                if report.hasFindings {
                    printError(
                        "audit: the initial weights have findings; cairn-audit CHECKPOINT explains them, "
                            + "--repair fixes symmetric units")
                }
            }
        } catch {
            printError("audit: notice: the initial weights could not be audited (\(describe(error)))")
        }
    }

    /// Parses `--tolerance`: a finite number at least 0.
    public static func parseTolerance(_ text: String) -> Float? {
        guard let value = Float(text), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// Parses `--activation`: an activation node kind.
    public static func parseActivation(_ text: String) -> NodeKind? {
        NodeKind.activation(named: text)
    }

    /// Parses `--layers`: comma-separated patterns, empty ones dropped.
    public static func parsePatterns(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
