import CairnModel

/// The checks and transforms a run applies to its data once it is loaded and split: the class count
/// (from the data, `--classes` or a checkpoint) with its notices, and regression targets standardised.
public enum DataPreparation {
    /// The classes of a classification run: `asked` (`--classes N`, or a checkpoint's count when
    /// `fromCheckpoint`), else the largest training label + 1. Throws when a training label is outside
    /// an asked count, or a validation label outside the training classes; `notices` names the classes
    /// without training samples. nil for regression data.
    public static func classes(
        train: Dataset, validation: Dataset?, asked: Int?, fromCheckpoint: Bool
    )
        throws -> (census: ClassCensus, notices: [String])?
    {
        guard case .labels(let labels) = train.targets else { return nil }
        let classes = asked ?? (Int(labels.max() ?? -1) + 1)
        guard let census = ClassCensus(labels: labels, classes: max(classes, 1)) else {
            let bad = labels.first { Int($0) >= classes } ?? 0
            let whose = fromCheckpoint ? "the checkpoint was trained on" : "of --classes \(classes)"
            throw CairnError.data(
                path: train.source, "label \(bad) is outside the \(classes) classes \(whose) (0 to \(classes - 1))")
        }
        if let validation, case .labels(let valLabels) = validation.targets,
            ClassCensus(labels: valLabels, classes: census.classes) == nil
        {
            let bad = valLabels.first { Int($0) >= census.classes } ?? 0
            throw CairnError.data(
                path: validation.source,
                "label \(bad) is not one of the \(census.classes) training classes (0 to \(census.classes - 1))")
        }
        var notices: [String] = []
        let missing = census.missing
        if !missing.isEmpty {
            let which = missing.count == 1 ? "class" : "\(missing.count) classes"
            let verb = missing.count == 1 ? "has" : "have"
            let hint = asked == nil ? " (the class count is the largest label + 1; set it with --classes N)" : ""
            notices.append(
                "\(train.source): \(which) \(ClassCensus.ranges(missing)) of \(census.classes) \(verb) no training samples\(hint)"
            )
        }
        return (census, notices)
    }
}

extension Dataset {
    /// Applies `preprocessing` to the features and, for regression, standardises the targets with its
    /// `target_mean` / `target_std` (no change when it has none).
    public mutating func prepare(with preprocessing: Preprocessing) {
        preprocessing.apply(to: &features, width: width)
        if case .values(var values, let columns) = targets, preprocessing.standardizesTargets {
            preprocessing.standardizeTargets(&values, columns: columns)
            targets = .values(values, columns: columns)
        }
    }
}
