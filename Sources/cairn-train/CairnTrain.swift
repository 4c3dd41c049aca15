import ArgumentParser
import CairnCLI

@main
struct CairnTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-train",
        abstract: "Train a network from scratch into .cairn checkpoints.")

    func run() throws {
        throw CleanExit.message("cairn-train: under construction")
    }
}
