import Foundation

/// The push record stage (`--record*`): which sinks get the record of a push, and where. A
/// sink left nil is off. With `--no-push` the record is written to `DIR/record.json` and sent
/// nowhere; after a push it also goes there when `--output` is given, byte for byte what S3 gets.
public struct RecordStep: Sendable {
    public static let defaultTable = "ECRImageLogs"
    public static let defaultKeyName = "ImageTag"
    public static let defaultTopic = "ECRImagePushTopic"
    public static let defaultOutbox = ".ecr-publish/outbox"

    /// The S3 bucket: `ecr-image-metadata-<account-id>` (the account from STS), or a name.
    public enum Bucket: Sendable, Equatable {
        case accountDefault
        case named(String)
    }

    /// DynamoDB table (`--record-table`), a name or an ARN.
    public var table: String?
    /// The table's key attribute (`--record-key-name`).
    public var keyName = RecordStep.defaultKeyName
    /// The key's value (`--record-key-template`): the tag template placeholders, plus
    /// `{primary}` (the primary tag), `{repository}` and `{digest}`. Nil: the primary tag.
    public var keyTemplate: String?
    /// S3 bucket for the record JSON and the SBOM (`--record-bucket`).
    public var bucket: Bucket?
    /// SSE-KMS key for the S3 objects (`--record-kms-key`).
    public var kmsKeyID: String?
    /// SNS topic (`--record-topic`): an ARN, or a name in the account and region.
    public var topic: String?
    /// EventBridge bus (`--record-event-bus`), a name or an ARN.
    public var eventBus: String?
    /// Where records a sink did not take are kept (`--outbox`).
    public var outbox = RecordStep.defaultOutbox
    /// The build the record names: commit, branch, pull request, run number.
    public var build = BuildContext(source: .none)
    /// The CI run the record names: provider, run id and URL, actor.
    public var ci = CIEnvironment(environment: [:])

    public init() {}

    /// Whether any sink is on.
    public var sends: Bool { table != nil || bucket != nil || topic != nil || eventBus != nil }

    public func validate() throws {
        if let table, !(table.hasPrefix("arn:") || (3...255).contains(table.count) && table.allSatisfy(Self.isNameCharacter)) {
            throw PublishError.invalidOption("--record-table takes a DynamoDB table name (3-255 of letters, digits, _ . -) or ARN, not '\(table)'")
        }
        guard !keyName.isEmpty, keyName.utf8.count <= 255 else {
            throw PublishError.invalidOption("--record-key-name takes an attribute name of 1-255 bytes")
        }
        if let keyTemplate, keyValue(primaryTag: "primary", digest: "sha256:digest", repository: "team/app") == nil {
            throw PublishError.invalidOption(
                "--record-key-template '\(keyTemplate)' names a placeholder this build has no value for (or its braces do not balance); the placeholders are those of --tag-template plus {primary}, {repository}, {digest}")
        }
        if case .named(let name) = bucket, !Self.isBucketName(name) {
            throw PublishError.invalidOption("--record-bucket takes an S3 bucket name (3-63 of lowercase letters, digits, . -), not '\(name)'")
        }
        if kmsKeyID != nil, bucket == nil {
            throw PublishError.invalidOption("--record-kms-key encrypts the S3 objects: add --record or --record-bucket")
        }
        if let topic, !(topic.hasPrefix("arn:") || (1...256).contains(topic.count) && topic.allSatisfy(Self.isNameCharacter)) {
            throw PublishError.invalidOption("--record-topic takes an SNS topic ARN or name (letters, digits, _ -), not '\(topic)'")
        }
        if let eventBus, eventBus.isEmpty || eventBus.count > 1600 {
            throw PublishError.invalidOption("--record-event-bus takes an event bus name or ARN")
        }
        guard !outbox.isEmpty else { throw PublishError.invalidOption("--outbox needs a directory") }
    }

    /// The DynamoDB key's value for this build: the template filled, or the primary tag.
    func keyValue(primaryTag: String, digest: String, repository: String) -> String? {
        guard let template = keyTemplate else { return primaryTag }
        guard template.filter({ $0 == "{" }).count == template.filter({ $0 == "}" }).count else { return nil }
        var values = TagScheme.values(of: build)
        values["primary"] = primaryTag
        values["repository"] = repository
        values["digest"] = digest
        guard let value = TagScheme.fill(template, values: values), !value.isEmpty, value.utf8.count <= 2048 else { return nil }
        return value
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "_.-".contains(character))
    }

    private static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.count) && name.first.map { $0.isLetter || $0.isNumber } == true
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }
    }
}
