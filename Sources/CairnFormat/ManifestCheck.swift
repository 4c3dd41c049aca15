import Foundation

/// Checks that manifest bytes are a UTF-8 JSON object (the container does not look inside).
enum ManifestCheck {
    static func isJSONObject(_ data: Data) -> Bool {
        guard String(data: data, encoding: .utf8) != nil else { return false }
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return false }
        return object is [String: Any]
    }
}
