/// Normalizes tar entry names and refuses the ones that could escape.
enum ArchivePath {
    /// Cleans `name` lexically: drops `.` components, empty components and a leading `./`.
    ///
    /// - Parameter inLayer: layer entries may start with `/` (Docker treats them as
    ///   relative to the layer root) and use `..` that stays inside; the outer archive's may do neither.
    /// - Throws: ``ArchiveError/unsafePath(path:reason:)`` for absolute names (unless
    ///   allowed) and for `..` that climbs above the root.
    static func normalize(_ name: String, inLayer: Bool) throws -> String {
        if isClean(name) { return name }
        if name.hasPrefix("/") && !inLayer {
            throw ArchiveError.unsafePath(path: name, reason: "absolute paths are not allowed in an image archive")
        }
        var components: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".":
                continue
            case "..":
                if !inLayer {
                    throw ArchiveError.unsafePath(path: name, reason: "'..' is not allowed in an image archive")
                }
                guard !components.isEmpty else {
                    throw ArchiveError.unsafePath(path: name, reason: "it climbs above the root with '..'")
                }
                components.removeLast()
            default:
                components.append(component)
            }
        }
        return components.joined(separator: "/")
    }

    /// Whether `name` is already normal: no empty, `.` or `..` component, no leading or
    /// trailing slash. Most names are, and need no splitting.
    private static func isClean(_ name: String) -> Bool {
        var length = 0
        var onlyDots = true
        for byte in name.utf8 {
            if byte == UInt8(ascii: "/") {
                if length == 0 || (onlyDots && length <= 2) { return false }
                length = 0
                onlyDots = true
            } else {
                length += 1
                if byte != UInt8(ascii: ".") { onlyDots = false }
            }
        }
        return length > 0 && !(onlyDots && length <= 2)
    }

    /// The directory part of a normalized path (`""` at the root).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Resolves a link target given in an archive entry at `path`, relative to its directory.
    /// Throws when the target is absolute or leaves the archive.
    static func resolveLink(_ target: String, from path: String) throws -> String {
        if target.hasPrefix("/") {
            throw ArchiveError.unsafePath(path: path, reason: "it links to the absolute path '\(target)' outside the archive")
        }
        var components = parent(of: path).split(separator: "/").map(String.init)
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                guard !components.isEmpty else {
                    throw ArchiveError.unsafePath(path: path, reason: "it links to '\(target)', outside the archive")
                }
                components.removeLast()
            default: components.append(String(component))
            }
        }
        return components.joined(separator: "/")
    }

    /// Decodes raw name bytes as UTF-8, or returns nil.
    static func decodeUTF8(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// A printable form of raw name bytes, with bytes that are not UTF-8 as `%XX`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var result = ""
        var index = 0
        while index < bytes.count {
            // Decode the longest valid UTF-8 run starting here.
            var end = index + 1
            while end <= bytes.count, String(validating: bytes[index..<end], as: UTF8.self) == nil, end - index < 4 {
                end += 1
            }
            if end <= bytes.count, let text = String(validating: bytes[index..<end], as: UTF8.self) {
                result += text
                index = end
            } else {
                result += "%" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
