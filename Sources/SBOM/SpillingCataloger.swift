import Foundation
import StreamIO

/// A cataloger of files too large to hold (jars, binaries, databases): the visit spills the
/// file to a temporary file within ``maxFileSize`` and hands it over for random access; the
/// temporary file is removed as soon as the cataloger returns.
public protocol SpillingCataloger: Sendable {
    var name: String { get }
    /// Files larger than this are skipped with a warning, never spilled.
    var maxFileSize: Int64 { get }
    func reads(path: String) -> Bool
    /// Why a file it recognizes is not read (a database format it does not support), said
    /// as a warning without spilling it; nil for the files it reads.
    func unsupported(path: String) -> String?
    /// The packages the file at `path` of the image (spilled to `file`) shows.
    /// - Throws: anything (a malformed archive): the file is skipped with a warning.
    func catalog(path: String, file: URL) throws -> CatalogResult
}

extension SpillingCataloger {
    public func unsupported(path: String) -> String? { nil }
}

/// A temporary copy of one layer file, removed when done.
struct SpillFile {
    let url: URL

    /// Copies `contents` to a new temporary file.
    /// - Throws: the stream's errors (a truncated layer), or ``OutputError``-like write failures.
    init(_ contents: any ByteSource, limit: Int64) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ecr-publish-spill-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SpillError(path: url.path, reason: "cannot create it")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var total: Int64 = 0
        do {
            while true {
                let n = try chunk.withUnsafeMutableBytes { try contents.read(into: $0) }
                if n == 0 { break }
                total += Int64(n)
                guard total <= limit else { throw ByteSourceError.tooLarge(limit: Int(limit)) }
                try handle.write(contentsOf: chunk[..<n])
            }
        } catch {
            remove()
            throw error
        }
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A temporary file could not be written (the disk is full, the directory not writable).
public struct SpillError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write the temporary file \(path) (set TMPDIR to a writable directory with room): \(reason)" }
}
