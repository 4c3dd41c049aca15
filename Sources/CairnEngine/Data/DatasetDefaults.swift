import CairnFormat
import Foundation

/// What a data file says about itself in a sidecar beside it, `<file>.preprocessing.json`:
///
/// ```json
/// {"scale": 0.0625, "why": "pixel intensities are whole numbers from 0 to 16"}
/// ```
///
/// `scale` multiplies every feature when the run gives no `--scale`, so the bundled digits train the
/// same way whether they are the default data or named with `--data`.
public struct DatasetDefaults: Equatable, Sendable {
    /// The sidecar's path.
    public var path: String
    public var scale: Float?
    /// Why, in a few words (shown in the run's first line).
    public var why: String?

    /// The sidecar of `dataPath`.
    public static func sidecarPath(of dataPath: String) -> String { dataPath + ".preprocessing.json" }

    /// Reads the sidecar of `dataPath`: nil when there is none; an error names a sidecar that is not a
    /// JSON object with a finite, non-zero `scale`.
    public static func read(for dataPath: String) throws -> DatasetDefaults? {
        let path = sidecarPath(of: dataPath)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else {
            throw CairnError.data(path: path, "is not a JSON object (the preprocessing defaults of \(dataPath))")
        }
        var defaults = DatasetDefaults(path: path, scale: nil, why: object["why"] as? String)
        if let value = object["scale"] {
            guard let number = value as? NSNumber, case let scale = number.floatValue, scale.isFinite, scale != 0 else {
                throw CairnError.data(path: path, "'scale' must be a finite non-zero number")
            }
            defaults.scale = scale
        }
        return defaults
    }
}
