import CairnEngine
import CairnModel
import Foundation

extension DataOptions {
    /// The data these flags ask for, as the engine's loader takes it.
    public var request: RunDataRequest {
        RunDataRequest(data: data, labels: labels, labelColumn: labelColumn, delimiter: delimiter?.byte,
                       classes: classes, scale: scale, standardize: standardize, validation: val,
                       validationLabels: valLabels, validationSplit: valSplit)
    }
}
