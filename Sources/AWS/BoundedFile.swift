import Foundation

/// Small files the AWS configuration points at (config files, token files), read with a
/// size bound: a path set by a hostile or mistaken configuration (`/dev/zero`, a huge log)
/// must not exhaust memory.
enum BoundedFile {
    enum Failure: Error, Equatable {
        case missing
        case unreadable(String)
        case tooLarge(limit: Int)
        case notText
    }

    /// The UTF-8 text of `path`, refused beyond `limit` bytes.
    static func text(_ path: String, limit: Int) throws(Failure) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .missing }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .unreadable(error.localizedDescription)
        }
        guard data.count <= limit else { throw .tooLarge(limit: limit) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText }
        return text
    }

    /// A token file's single value, trimmed; nil when it cannot be read, is empty or is
    /// larger than `limit` (64 KiB: web identity and container tokens are a few KiB).
    static func token(_ path: String, limit: Int = 64 << 10) -> String? {
        guard let text = try? text(path, limit: limit) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
