/// Cairn models are stored in Cairn files: importing CairnModel brings in the container types and `CairnError`.
@_exported import CairnFormat
