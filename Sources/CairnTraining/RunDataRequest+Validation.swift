import CairnEngine
import CairnModel

extension RunDataRequest {
    /// Checks the values' ranges and that they fit together (`task`: the run's task, if asked); throws
    /// `ConfigurationError` naming the option. The files themselves are checked when they are loaded.
    public func validate(task: TrainingTask?) throws {
        if let validationSplit, !(validationSplit >= 0 && validationSplit < 1) {
            throw CairnError.configuration(
                option: "--val-split", "--val-split \(validationSplit): must be from 0 up to (not including) 1")
        }
        if validation != nil, let validationSplit, validationSplit > 0 {
            throw CairnError.configuration(option: "--val-split", "give either --val or --val-split, not both")
        }
        if let scale, !scale.isFinite || scale == 0 {
            throw CairnError.configuration(option: "--scale", "--scale \(scale): must be a finite non-zero number")
        }
        if let classes, !(1...CSVLoader.maximumClasses).contains(classes) {
            throw CairnError.configuration(
                option: "--classes", "--classes \(classes): must be from 1 to \(CSVLoader.maximumClasses)")
        }
        if classes != nil, task == .regression {
            throw CairnError.configuration(
                option: "--classes", "--classes applies to classification, not --task regression")
        }
        if validationLabels != nil, validation == nil {
            throw CairnError.configuration(option: "--val-labels", "--val-labels needs --val FILE")
        }
    }
}
