import Foundation

/// Catches SIGINT and SIGTERM so a run can finish its step, save, and exit with 130 or 143 instead of
/// dying mid-step. A second signal of either kind ends the process at once.
public final class SignalMonitor: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "cairn.signals")

    public init() {
        for signo in [SIGINT, SIGTERM] {
            Glibc.signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [weak self] in self?.receive(signo) }
            source.resume()
            sources.append(source)
        }
    }

    private func receive(_ signo: Int32) {
        lock.lock()
        let first = received == nil
        received = received ?? signo
        lock.unlock()
        if first {
            FileHandle.standardError.write(Data("\nstopping after this step and saving a checkpoint (signal again to quit now)\n".utf8))
        } else {
            exit(128 + signo)
        }
    }

    /// The first signal received, if any.
    public var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
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
