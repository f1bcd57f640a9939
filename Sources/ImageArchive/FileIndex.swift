/// A file system entry of a layer, with its path normalized relative to the image root.
public struct FileEntry: Sendable, Equatable {
    public var path: String
    public var kind: TarEntry.Kind
    public var size: Int64
    public var mode: UInt32
    /// Symlink target as stored (may be absolute), or hard link target (normalized).
    public var linkTarget: String?
}

/// What one layer does to the file system: the entries it adds, the paths it deletes from
/// the layers below (whiteouts, opaque directories), and the contents captured for
/// inspection.
public struct LayerFiles: Sendable {
    /// Entries in archive order (whiteout markers excluded).
    public var entries: [FileEntry] = []
    /// Paths a `.wh.NAME` marker deletes from lower layers.
    public var whiteouts: [String] = []
    /// Directories a `.wh..wh..opq` marker empties of lower layers' content.
    public var opaqueDirectories: [String] = []
    /// Contents of the files the capture policy asked for, by path.
    public var captured: [String: [UInt8]] = [:]
    /// Whether ``entries`` lists every entry (false: the reader was asked not to keep them).
    public var entriesRecorded = true
    /// What the ``LayerVisitor`` of the read found in the layer, if one was given.
    public var findings: (any Sendable)?

    public init() {}
}

extension LayerFiles: Equatable {
    /// Equal file system changes (the visitor's findings are not compared).
    public static func == (lhs: LayerFiles, rhs: LayerFiles) -> Bool {
        lhs.entries == rhs.entries && lhs.whiteouts == rhs.whiteouts && lhs.opaqueDirectories == rhs.opaqueDirectories
            && lhs.captured == rhs.captured && lhs.entriesRecorded == rhs.entriesRecorded
    }
}

/// Chooses which files' contents are kept in memory during the pass (package databases,
/// manifests of language packages). Whatever it chooses is bounded by
/// ``ArchiveLimits/maxCapturedBytes``.
public protocol FileCapturePolicy: Sendable {
    func shouldCapture(path: String, size: Int64) -> Bool
}

/// Captures nothing.
public struct CaptureNothing: FileCapturePolicy {
    public init() {}
    public func shouldCapture(path: String, size: Int64) -> Bool { false }
}

/// Captures files at exact paths or with given suffixes, up to a size each.
public struct CapturePaths: FileCapturePolicy {
    public var paths: Set<String>
    public var suffixes: [String]
    public var maxFileSize: Int64

    public init(paths: Set<String>, suffixes: [String] = [], maxFileSize: Int64 = 8 * 1024 * 1024) {
        self.paths = paths
        self.suffixes = suffixes
        self.maxFileSize = maxFileSize
    }

    public func shouldCapture(path: String, size: Int64) -> Bool {
        size <= maxFileSize && (paths.contains(path) || suffixes.contains { path.hasSuffix($0) })
    }
}

/// The squashed file system of an image: layers applied bottom to top with whiteouts.
public struct FileSystemView: Sendable {
    public struct Item: Sendable, Equatable {
        public var entry: FileEntry
        /// Index of the layer that last wrote the entry (0 = bottom).
        public var layer: Int
    }

    /// Every entry of the final file system, sorted by path.
    public let items: [Item]
    /// Captured contents of files present in the final file system, by path.
    public let captured: [String: [UInt8]]

    /// Applies `layers` (bottom first) as a container runtime would.
    public init(layers: [LayerFiles]) {
        let root = Node()
        var captured: [String: (layer: Int, bytes: [UInt8])] = [:]
        for (index, layer) in layers.enumerated() {
            for directory in layer.opaqueDirectories {
                root.find(directory)?.children.removeAll()
                captured = captured.filter { !Self.isBelow($0.key, directory) }
            }
            for path in layer.whiteouts {
                root.remove(path)
                captured = captured.filter { $0.key != path && !Self.isBelow($0.key, path) }
            }
            for entry in layer.entries { root.insert(entry, layer: index) }
            for (path, bytes) in layer.captured { captured[path] = (index, bytes) }
        }
        var items: [Item] = []
        root.collect(into: &items)
        items.sort { $0.entry.path < $1.entry.path }
        self.items = items
        // With every entry known, a captured file must also still be there as written by its
        // layer (not replaced by a later file, or by a file where one of its directories was).
        if layers.allSatisfy(\.entriesRecorded) {
            let present = Dictionary(items.map { ($0.entry.path, $0.layer) }, uniquingKeysWith: { $1 })
            captured = captured.filter { present[$0.key] == $0.value.layer }
        }
        self.captured = captured.mapValues(\.bytes)
    }

    private static func isBelow(_ path: String, _ directory: String) -> Bool {
        directory.isEmpty || path.hasPrefix(directory + "/")
    }

    /// The entry at `path`, if the final file system has one.
    public func entry(at path: String) -> FileEntry? {
        var low = 0
        var high = items.count
        while low < high {
            let mid = (low + high) / 2
            if items[mid].entry.path < path { low = mid + 1 } else { high = mid }
        }
        return low < items.count && items[low].entry.path == path ? items[low].entry : nil
    }
}

/// A directory tree node used while squashing.
private final class Node {
    var entry: FileEntry?
    var layer = 0
    var children: [String: Node] = [:]

    func find(_ path: String) -> Node? {
        var node: Node? = self
        for component in path.split(separator: "/") { node = node?.children[String(component)] }
        return node
    }

    func remove(_ path: String) {
        var components = path.split(separator: "/").map(String.init)
        guard let last = components.popLast() else { return }
        find(components.joined(separator: "/"))?.children.removeValue(forKey: last)
    }

    func insert(_ entry: FileEntry, layer: Int) {
        var node = self
        for component in entry.path.split(separator: "/") {
            let key = String(component)
            if let child = node.children[key] {
                node = child
            } else {
                let child = Node()
                node.children[key] = child
                node = child
            }
        }
        guard node !== self else { return }
        // A non-directory replaces whatever was there, including a directory's content.
        if entry.kind != .directory { node.children.removeAll() }
        node.entry = entry
        node.layer = layer
    }

    func collect(into items: inout [FileSystemView.Item]) {
        for (_, child) in children {
            if let entry = child.entry { items.append(.init(entry: entry, layer: child.layer)) }
            child.collect(into: &items)
        }
    }
}
