import Foundation
import ImageArchive
import Record

extension RecordStep {
    /// The record stage: builds the record of the run, writes `DIR/record.json` when there is
    /// an output directory, and after a push sends the record to the sinks of `targets`. What a
    /// sink does not take (after the retries of the HTTP layer) waits in the outbox, with a copy
    /// of the SBOM; the report then says so and the run exits 7. The image stays pushed.
    /// `documents` are the run's SBOMs (nil with `--no-sbom`), made once by the pipeline.
    func write(
        _ report: PublishReport, loaded: LoadedArchive, sboms documents: SBOMDocuments?, options: PublishOptions, targets: RecordTargets?
    ) async throws -> RecordResult {
        // The SBOM files the run wrote under --output; else written here, for the counts and for S3.
        var sboms = report.sbom ?? []
        var scratch: String?
        defer { scratch.map(FileSystem.removeTree) }
        if sboms.allSatisfy({ $0.files.isEmpty }), let documents {
            let directory = try FileSystem.makeTemporaryDirectory(prefix: "ecr-publish-record")
            scratch = directory
            sboms = try documents.write { directory + "/" + SBOMStep.fileName($0, format: $1, of: loaded) }
        }
        let pushed = report.push != nil
        var record = PushRecord(report: report, options: options, step: self, sbom: sboms, pushedAt: pushed ? Date() : build.buildTime)
        let attachments = Self.attachments(sboms)
        if let bucket = targets?.bucket, let first = attachments.first {
            let uri = "s3://\(bucket)/" + S3Sink.key(record, suffix: first.suffix)
            record.sbom?.s3URI = uri
        }
        let keyValue = keyValue(primaryTag: record.imageTag, digest: record.imageDigest, repository: record.repositoryName) ?? record.imageTag
        var result = RecordResult(key: "\(keyName)=\(keyValue)", delivered: [], failed: [], conflicts: [])
        if let output = options.destination.outputDirectory {
            result.file = output + "/record.json"
            try FileSystem.writeFile(output + "/record.json", try record.json())
        }
        guard pushed, let targets else { return result }
        let sinks = try targets.sinks(keyName: keyName, keyValue: keyValue, kmsKeyID: kmsKeyID, attachments: attachments)
        let sent = try await RecordDelivery(sinks: sinks, outbox: Outbox(directory: outbox)).send(record)
        result.delivered = sent.delivered
        result.failed = sent.failed.map { RecordResult.Failure(sink: $0.sink, message: $0.message) }
        result.conflicts = sent.conflicts.compactMap { error in
            guard case .conflict(let table, let key) = error else { return nil }
            return RecordResult.Conflict(table: table, key: key)
        }
        result.outbox = sent.outboxPath
        return result
    }

    /// The SBOM files S3 gets beside the record, in the first format: `<primary-tag>.spdx.json`,
    /// or one per platform (`<primary-tag>-linux-arm64.spdx.json`).
    static func attachments(_ sboms: [SBOMReport]) -> [S3Sink.Attachment] {
        sboms.compactMap { sbom in
            guard let path = sbom.files.first else { return nil }
            let format = [".spdx.json", ".cdx.json"].first { path.hasSuffix($0) } ?? ".json"
            let platform = sboms.count > 1 ? sbom.platform.map { "-" + $0.replacingOccurrences(of: "/", with: "-") } ?? "" : ""
            return S3Sink.Attachment(suffix: platform + format, path: path)
        }
    }
}
