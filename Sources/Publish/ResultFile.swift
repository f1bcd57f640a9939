import Foundation
import ImageArchive

/// The report as JSON: what `--json` prints and `--result-file` writes (Jenkins reads it
/// with `readJSON`).
public enum ResultFile {
    /// Pretty, sorted keys, slashes as they are: the same bytes for the same report.
    public static func encode(_ report: PublishReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(report) + Data("\n".utf8)
    }

    /// Writes the report to `path` atomically (a temporary name, then rename): a reader
    /// never sees half a file, and a failed run leaves no new file.
    public static func write(_ report: PublishReport, to path: String) throws {
        try FileSystem.writeFile(path, Array(encode(report)))
    }
}
