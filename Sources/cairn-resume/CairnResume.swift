import ArgumentParser
import CairnCLI

@main
struct CairnResume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-resume",
        abstract: "Continue a checkpoint exactly as if training had never stopped.",
        discussion: """
            Rebuilds the model, optimiser, random generator, data order and history from CHECKPOINT and trains \
            on to --epochs (default: the run's own target), writing into the checkpoint's run folder; a checkpoint \
            that is not its run's newest continues in a new branch folder inside the run folder, and a file \
            outside a run folder in a new run folder beside it, so no checkpoint already saved is replaced. With \
            --verify LATER.cairn, replays from CHECKPOINT to LATER's step and checks the replay is bit-identical \
            (exit 0) or says where it first diverges (exit 1). The task, classes and preprocessing (--task, --classes, \
            --scale, --standardize) are the checkpoint's own and cannot change; the data flags default to the \
            checkpoint's files, not to the bundled digits. Exit status 2: missing or unreadable file, bad data; 64: usage.
            """)

    @Argument(help: "The checkpoint to continue (e.g. runs/x/latest.cairn).")
    var checkpoint: String

    @OptionGroup(title: "Data (default: the files the checkpoint was trained on)") var data: DataOptions
    @OptionGroup(title: "Changes of course (recorded in the history)") var optimization: OptimizationOptions
    @OptionGroup(title: "Checkpoints and output") var output: OutputOptions

    @Flag(
        name: .customLong("allow-different-data"),
        help: "Continue even if the data's fingerprint differs from the checkpoint's.")
    var allowDifferentData = false

    @Option(help: "Replay up to this later checkpoint of the same run and compare bit for bit.")
    var verify: String?

    func run() throws {
        try runReportingErrors(tool: "cairn-resume") {
            if let verify {
                let report = try ResumeLauncher.verify(
                    checkpoint: checkpoint, against: verify, data: data,
                    threads: output.threads)
                print(output.json ? try report.json() : report.text)
                if !report.isIdentical { throw ExitCode(ExitStatus.found.rawValue) }
                return
            }
            try ResumeLauncher.resume(
                checkpoint: checkpoint, data: data, optimization: optimization,
                allowDifferentData: allowDifferentData, output: output)
        }
    }
}
