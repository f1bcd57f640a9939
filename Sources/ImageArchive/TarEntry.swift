/// One entry of a tar archive, with PAX and GNU extensions already applied.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regular
        case directory
        case symlink
        case hardlink
        case characterDevice
        case blockDevice
        case fifo
        /// A type flag this reader passes over (vendor extensions).
        case other(UInt8)
    }

    /// The name as stored, decoded as UTF-8, or with undecodable bytes written `%XX`
    /// (see ``nameIsUTF8``).
    public var name: String
    /// Whether the stored name was valid UTF-8.
    public var nameIsUTF8: Bool
    public var kind: Kind
    /// Size of the entry's data in bytes (0 for everything but regular files).
    public var size: Int64
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var modificationTime: Int64
    /// Target of a symlink or hard link.
    public var linkName: String
    /// PAX records that are not consumed by the reader itself (xattrs and the like).
    public var paxRecords: [String: String]
}
