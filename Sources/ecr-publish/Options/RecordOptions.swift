import ArgumentParser
import Foundation
import Publish

/// Where the push record goes (README: Push records). `--record` turns on DynamoDB, S3 and
/// SNS with their defaults; naming a sink turns on that one; none sends no record.
struct RecordOptions: ParsableArguments {
    @Flag(name: .long, help: "Record the push in DynamoDB, S3 and SNS (the defaults below); with --no-push only DIR/record.json is written.")
    var record = false

    @Option(name: .long, help: ArgumentHelp("DynamoDB table for the record (default with --record: ECRImageLogs).", valueName: "name"))
    var recordTable: String?

    @Option(name: .long, help: ArgumentHelp("The table's key attribute (default: ImageTag, a String).", valueName: "name"))
    var recordKeyName: String?

    @Option(name: .long, help: ArgumentHelp(
        "The key's value from placeholders: those of --tag-template plus {primary} {repository} {digest} (default: the primary tag).",
        valueName: "template"))
    var recordKeyTemplate: String?

    @Option(name: .long, help: ArgumentHelp(
        "S3 bucket for the record JSON and the SBOM, at REPOSITORY/PRIMARY-TAG.json (default with --record: ecr-image-metadata-<account-id>).",
        valueName: "name"))
    var recordBucket: String?

    @Option(name: .long, help: ArgumentHelp("Encrypt the S3 objects with this KMS key (SSE-KMS): id, ARN or alias.", valueName: "key"))
    var recordKmsKey: String?

    @Option(name: .long, help: ArgumentHelp(
        "SNS topic to notify: an ARN, or a name in the account and region (default with --record: ECRImagePushTopic).", valueName: "arn|name"))
    var recordTopic: String?

    @Option(name: .long, help: ArgumentHelp(
        "Also put an event on this EventBridge bus (source ecr-publish, detail-type ECR Image Action); never on by default.",
        valueName: "name|arn"))
    var recordEventBus: String?

    @Option(name: .long, help: ArgumentHelp(
        "Where a record waits when a sink fails, for `ecr-publish record replay` (default: .ecr-publish/outbox).", valueName: "dir"))
    var outbox: String?

    /// The record stage: nil when no sink is named and the run pushes (no record); a
    /// `--no-push` run always has one (it writes DIR/record.json).
    func step(noPush: Bool) throws -> RecordStep? {
        var step = RecordStep()
        step.table = recordTable ?? (record ? RecordStep.defaultTable : nil)
        step.bucket = recordBucket.map { .named($0) } ?? (record ? .accountDefault : nil)
        step.topic = recordTopic ?? (record ? RecordStep.defaultTopic : nil)
        step.eventBus = recordEventBus
        step.kmsKeyID = recordKmsKey
        step.keyName = recordKeyName ?? RecordStep.defaultKeyName
        step.keyTemplate = recordKeyTemplate
        step.outbox = outbox ?? RecordStep.defaultOutbox
        if !step.sends {
            let stray = [("--record-key-name", recordKeyName), ("--record-key-template", recordKeyTemplate),
                         ("--record-kms-key", recordKmsKey), ("--outbox", outbox)].first { $0.1 != nil }
            if let stray {
                throw PublishError.invalidOption("\(stray.0) applies to the push record: add --record or name a sink (--record-table, --record-bucket, --record-topic, --record-event-bus)")
            }
            guard noPush else { return nil }
        }
        if step.table == nil, recordKeyName != nil || recordKeyTemplate != nil {
            throw PublishError.invalidOption("--record-key-name and --record-key-template apply to the DynamoDB table: add --record or --record-table")
        }
        step.build = BuildContext.detect()
        step.ci = CIEnvironment()
        try step.validate()
        return step
    }
}
