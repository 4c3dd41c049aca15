/// The one wording every tool uses for a file that does not exist: `PATH: no such file`.
public enum MissingFile {
    public static let reason = "no such file"
}
