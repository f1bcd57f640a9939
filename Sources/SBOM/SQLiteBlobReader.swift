import CSQLite
import Foundation

/// Reads the blobs of one table column from an SQLite database file that came out of an
/// image: opened read-only and immutable (no journal, no WAL, no lock, nothing written next
/// to it), with an untrusted schema, a bound on a value's length, on the rows read and on the
/// work SQLite does (a progress handler), so a hostile file ends in an error, not a hang.
struct SQLiteBlobReader {
    struct Limits {
        /// One value's bytes (`SQLITE_LIMIT_LENGTH`).
        var maxValueLength: Int32 = 64 * 1024 * 1024
        var maxRows = 200_000
        /// Virtual-machine instructions, in thousands, before the query is interrupted.
        var maxWork = 500_000
    }

    private let database: OpaquePointer
    private let limits: Limits

    /// - Throws: ``MalformedMetadata`` when SQLite cannot open `file` as a database.
    init(file: URL, limits: Limits = Limits()) throws {
        var handle: OpaquePointer?
        let uri = "file:" + (file.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? file.path)
            + "?mode=ro&immutable=1"
        let status = sqlite3_open_v2(uri, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "status \(status)"
            sqlite3_close(handle)
            throw MalformedMetadata("SQLite cannot open it: \(message)")
        }
        database = handle
        sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, limits.maxValueLength)
        sqlite3_exec(handle, "PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON;", nil, nil, nil)
        self.limits = limits
    }

    func close() { sqlite3_close(database) }

    /// Calls `body` with each value of `column` in `table` (names this code chooses, never
    /// the file), in rowid order, until `body` returns false.
    /// - Throws: ``MalformedMetadata`` for a corrupt file, a missing table, a bound passed.
    func forEachBlob(table: String, column: String, _ body: ([UInt8]) throws -> Bool) throws {
        let budget = WorkBudget(remaining: limits.maxWork)
        let context = Unmanaged.passRetained(budget)
        defer { context.release() }
        sqlite3_progress_handler(database, 1000, { pointer in
            guard let pointer else { return 1 }
            let budget = Unmanaged<WorkBudget>.fromOpaque(pointer).takeUnretainedValue()
            budget.remaining -= 1
            return budget.remaining < 0 ? 1 : 0
        }, context.toOpaque())
        defer { sqlite3_progress_handler(database, 0, nil, nil) }

        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "SELECT \"\(column)\" FROM \"\(table)\" ORDER BY rowid", -1, &statement, nil) == SQLITE_OK,
              let statement else {
            throw MalformedMetadata("it has no readable \(table) table: \(String(cString: sqlite3_errmsg(database)))")
        }
        defer { sqlite3_finalize(statement) }
        var rows = 0
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else {
                if budget.remaining < 0 { throw MalformedMetadata("reading its \(table) table took more work than allowed") }
                throw MalformedMetadata("SQLite cannot read its \(table) table: \(String(cString: sqlite3_errmsg(database)))")
            }
            rows += 1
            guard rows <= limits.maxRows else { throw MalformedMetadata("its \(table) table has more than \(limits.maxRows) rows") }
            let length = Int(sqlite3_column_bytes(statement, 0))
            let bytes: [UInt8]
            if length > 0, let pointer = sqlite3_column_blob(statement, 0) {
                bytes = [UInt8](UnsafeRawBufferPointer(start: pointer, count: length))
            } else {
                bytes = []
            }
            guard try body(bytes) else { return }
        }
    }

    private final class WorkBudget {
        var remaining: Int
        init(remaining: Int) { self.remaining = remaining }
    }
}
