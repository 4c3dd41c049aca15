import Foundation

/// A one-line description of an underlying error (Foundation's localized description, else the error's own).
func describe(_ error: Error) -> String {
    let text: String
    if let cocoa = error as? CocoaError {
        text = cocoa.localizedDescription
    } else if type(of: error as Any) is NSError.Type {
        text = (error as NSError).localizedDescription
    } else {
        text = String(describing: error)
    }
    return text.replacingOccurrences(of: "\n", with: " ")
}
