import Foundation

/// The index region: a sequence of sections (see `SectionHeader`). Version 1.0 has exactly one manifest
/// section and one tensor directory section; readers skip unknown optional sections and reject unknown
/// required ones.
struct IndexSections {
    var manifest: Data
    var tensors: [TensorInfo]

    static func decode(
        _ index: [UInt8], at offset: Int64, dataRegion: Range<Int64>, path: String
    ) throws -> IndexSections {
        var cursor = ByteCursor(bytes: index, fileOffset: offset, path: path)
        var manifest: Data?
        var tensors: [TensorInfo]?
        while cursor.remaining > 0 {
            let start = cursor.currentFileOffset
            let header = try SectionHeader.decode(from: &cursor)
            let payloadOffset = cursor.currentFileOffset
            if SectionHeader.Kind(rawValue: header.kind) != nil && !header.isRequired {
                throw CairnError(
                    path: path, kind: .malformed("section of kind \(header.kind) must be flagged required"),
                    offset: start + 2)
            }
            switch SectionHeader.Kind(rawValue: header.kind) {
            case .manifest:
                guard manifest == nil else {
                    throw CairnError(path: path, kind: .malformed("second manifest section"), offset: start)
                }
                guard header.length <= FormatLimits.maxManifestBytes else {
                    throw CairnError(
                        path: path,
                        kind: .limitExceeded(
                            "manifest of \(header.length) bytes (limit \(FormatLimits.maxManifestBytes))"),
                        offset: start + 8)
                }
                let bytes = Data(try cursor.readBytes(Int(header.length), "manifest"))
                guard ManifestCheck.isJSONObject(bytes) else {
                    throw CairnError(
                        path: path, kind: .malformed("manifest is not a strict UTF-8 JSON object (spec section 5.1)"),
                        offset: payloadOffset)
                }
                manifest = bytes
            case .tensorDirectory:
                guard tensors == nil else {
                    throw CairnError(path: path, kind: .malformed("second tensor directory section"), offset: start)
                }
                var directory = ByteCursor(
                    bytes: Array(try cursor.readBytes(Int(header.length), "tensor directory")),
                    fileOffset: payloadOffset, path: path)
                tensors = try TensorDirectory.decode(&directory, dataRegion: dataRegion)
            case nil:
                guard !header.isRequired else {
                    throw CairnError(
                        path: path, kind: .unsupportedFeature("required section of kind \(header.kind)"), offset: start)
                }
                try cursor.skip(Int(header.length), "unknown section")
            }
        }
        guard let manifest else {
            throw CairnError(path: path, kind: .malformed("no manifest section"), offset: offset)
        }
        guard let tensors else {
            throw CairnError(path: path, kind: .malformed("no tensor directory section"), offset: offset)
        }
        return IndexSections(manifest: manifest, tensors: tensors)
    }
}
