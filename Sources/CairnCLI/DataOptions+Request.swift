import ArgumentParser
import CairnEngine
import CairnModel
import Foundation

extension DataOptions {
    /// The data these flags ask for, as the engine's loader takes it.
    public var request: RunDataRequest {
        RunDataRequest(
            data: data, labels: labels, labelColumn: labelColumn, delimiter: delimiter?.byte,
            classes: classes, scale: scale, standardize: standardize, validation: val,
            validationLabels: valLabels, validationSplit: valSplit,
            inputShape: try? parsedInputShape())
    }

    /// `--input-shape`, checked (`validate()` reports a malformed one as a usage error).
    public func parsedInputShape() throws -> InputShape? {
        guard let inputShape else { return nil }
        do { return try InputShape(parsing: inputShape) } catch let error as CairnError {
            throw ValidationError(error.message)
        }
    }
}
