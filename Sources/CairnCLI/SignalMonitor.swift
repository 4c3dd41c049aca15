import Foundation
import Synchronization

/// Catches SIGINT and SIGTERM so a run can finish its step, save, and exit with 130 or 143 instead of
/// dying mid-step. A second signal of either kind ends the process at once.
public final class SignalMonitor: Sendable {
    private let received = Mutex<Int32?>(nil)
    /// The signal sources, kept for the monitor's lifetime (written once, in `init`).
    private let sources = Mutex<[DispatchSourceSignal]>([])
    private let queue = DispatchQueue(label: "cairn.signals")

    public init() {
        for signo in [SIGINT, SIGTERM] {
            Glibc.signal(signo, SIG_IGN)
            sources.withLock { sources in
                let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
                source.setEventHandler { [weak self] in self?.receive(signo) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func receive(_ signo: Int32) {
        let first = received.withLock { received in
            defer { received = received ?? signo }
            return received == nil
        }
        if first {
            FileHandle.standardError.write(
                Data("\nstopping after this step and saving a checkpoint (signal again to quit now)\n".utf8))
        } else {
            exit(128 + signo)
        }
    }

    /// The first signal received, if any.
    public var signal: Int32? {
        received.withLock { $0 }
    }

    /// The exit status for the received signal: 130 for SIGINT, 143 for SIGTERM.
    public var exitStatus: ExitStatus? {
        switch signal {
        case SIGINT?: return .interrupted
        case SIGTERM?: return .terminated
        default: return nil
        }
    }
}
