import CairnEngine
import CairnModel
import Foundation

extension DataOptions {
    /// The data these flags ask for, as the engine's loader takes it.
    public var request: RunDataRequest {
        RunDataRequest(data: data, labels: labels, labelColumn: labelColumn, scale: scale, standardize: standardize,
                       validation: val, validationLabels: valLabels, validationSplit: valSplit)
    }
}

extension RunData {
    /// Loads the data `options` ask for (see `RunData.load(_:task:seed:preprocessing:bundledScale:)`).
    public static func load(_ options: DataOptions, task: TrainingTask, seed: UInt64,
                            preprocessing fixed: Preprocessing? = nil, bundledScale: Float = 1.0 / 16) throws -> RunData {
        try load(options.request, task: task, seed: seed, preprocessing: fixed, bundledScale: bundledScale)
    }
}
