import ArgumentParser
import CairnTraining
import Foundation

/// `cairn-train`'s transfer-learning flags: start from another checkpoint's graph and weights.
public struct TransferOptions: ParsableArguments {
    @Option(
        name: .customLong("init-from"),
        help:
            "Start from this model's graph and weights (fresh optimiser), and its preprocessing: a checkpoint, an imported .cairn, .safetensors or .npz."
    )
    public var initFrom: String?

    @Option(help: "Comma-separated nodes whose weights stay fixed (e.g. dense1,dense2).")
    public var freeze: String?

    @Option(
        name: .customLong("new-head"), parsing: .unconditional,
        help: "Replace the output layer with a freshly initialised one for this many classes.")
    public var newHead: Int?

    public init() {}

    /// The checks are `TransferConfiguration.validate`'s.
    public mutating func validate() throws {
        try reportingConfigurationErrorsAsUsage { try configuration.validate() }
    }

    /// The frozen node names.
    public var frozenNodes: [String] {
        (freeze ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The transfer these flags ask for (after `validate`).
    public var configuration: TransferConfiguration {
        TransferConfiguration(initFrom: initFrom, frozenNodes: frozenNodes, newHead: newHead)
    }
}
