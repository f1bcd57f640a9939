import Record

/// The push record lines of the text report.
enum RecordTextReport {
    static func lines(_ record: RecordResult) -> [String] {
        var lines: [String] = []
        if !record.delivered.isEmpty { lines.append("record    \(record.key) sent to \(record.delivered.joined(separator: ", "))") }
        if let file = record.file { lines.append("wrote     push record \(file)") }
        lines += record.failed.map { "warning   record not sent to \($0.sink): \($0.message)" }
        if let outbox = record.outbox {
            lines.append("warning   record kept in \(outbox): run `ecr-publish record replay --outbox \(Outbox.directory(containing: outbox))` once the sinks work")
        }
        lines += record.conflicts.map { "warning   record refused: DynamoDB table \($0.table) already records another image under \($0.key)" }
        return lines
    }
}
