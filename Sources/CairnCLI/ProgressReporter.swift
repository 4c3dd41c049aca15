import CairnEngine
import CairnModel
import Foundation

/// Shows a run's progress on standard error: a live bar on a terminal (epoch, batch, loss,
/// samples/s, ETA), one plain line per epoch when piped, nothing with `--quiet`.
public final class ProgressReporter: TrainingObserver {
    public enum Style { case live, plain, quiet }

    private let style: Style
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var stepsDone = 0
    private let totalSteps: Int
    private var epochs: Int

    public init(style: Style, totalSteps: Int, epochs: Int) {
        self.style = style
        self.totalSteps = totalSteps
        self.epochs = epochs
    }

    /// `.live` on a terminal, `.plain` otherwise, `.quiet` when asked.
    public static func style(quiet: Bool) -> Style {
        if quiet { return .quiet }
        return isatty(STDERR_FILENO) == 1 ? .live : .plain
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    public func batchFinished(epoch: Int, batch: Int, batches: Int, loss: Double, samplesPerSecond: Double) {
        stepsDone += 1
        guard style == .live else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || batch == batches else { return }
        lastDraw = now
        let fraction = Double(batch) / Double(max(batches, 1))
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let elapsed = now.timeIntervalSince(started)
        let remaining = stepsDone > 0 ? elapsed / Double(stepsDone) * Double(max(totalSteps - stepsDone, 0)) : 0
        write(
            "\r\u{1B}[2Kepoch \(epoch + 1)/\(epochs) \(bar) \(batch)/\(batches)  loss \(format(loss, 4))  \(Int(samplesPerSecond)) samples/s  ETA \(duration(remaining))"
        )
    }

    public func epochFinished(_ record: EpochRecord, of epochs: Int) {
        self.epochs = epochs
        guard style != .quiet else { return }
        var line = "epoch \(record.epoch)/\(epochs)  train_loss \(format(record.trainLoss, 4))"
        if let v = record.validationLoss { line += "  val_loss \(format(v, 4))" }
        if let a = record.validationAccuracy { line += "  val_accuracy \(format(a * 100, 2))%" }
        if let r2 = record.validationR2 { line += "  val_r2 \(format(r2, 4))" }
        line += "  lr \(record.learningRate)  \(format(record.seconds, 2))s"
        write((style == .live ? "\r\u{1B}[2K" : "") + line + "\n")
    }

    public func checkpointSaved(path: String, reason: CheckpointReason) {
        guard style != .quiet, reason != .epoch && reason != .steps && reason != .best else { return }
        write((style == .live ? "\r\u{1B}[2K" : "") + "saved \(path)\n")
    }
}

/// `1m05s`-style durations.
func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}
