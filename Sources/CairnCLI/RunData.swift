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

extension RunData {
    /// Loads the data `options` ask for (see `RunData.load(_:task:seed:preprocessing:classes:)`).
    public static func load(_ options: DataOptions, task: TrainingTask, seed: UInt64,
                            preprocessing fixed: Preprocessing? = nil, classes fixedClasses: Int? = nil) throws -> RunData {
        try load(options.request, task: task, seed: seed, preprocessing: fixed, classes: fixedClasses)
    }
}
