import CFileSpace
#if canImport(Glibc)
import Glibc
#endif

/// Disk space of files being written and read at once (a spooled blob streaming up).
public enum FileSpace {
    /// Frees the disk blocks of `length` bytes at `offset` of the file open for writing as
    /// `descriptor`; the file keeps its size and the range reads as zeros. False where the
    /// file system cannot (the blocks then stay).
    @discardableResult
    public static func release(_ descriptor: Int32, offset: Int64, length: Int64) -> Bool {
        guard length > 0 else { return true }
        return cfilespace_punch_hole(descriptor, off_t(offset), off_t(length)) == 0
    }
}
