import AWS
import Foundation
import Record
import Testing
import TestSupport

/// The push record: valid against its JSON Schema (checked by Python's jsonschema), and
/// delivered to DynamoDB, S3, SNS and EventBridge in moto with signature checking on, read
/// back with the AWS CLI; a sink that fails leaves the record in the outbox, and a replay
/// delivers it exactly once.
@Suite(.serialized) struct PushRecordTests {
    static let moto = Result(catching: { try MotoServer() })
    static let digest = "sha256:" + String(repeating: "7f", count: 32)

    static func record(tag: String = "abc12345-20261202140000", digest: String = digest, full: Bool = true) -> PushRecord {
        PushRecord(
            repositoryName: "team/app", registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", imageDigest: digest,
            mediaType: "application/vnd.oci.image.manifest.v1+json", imageTag: tag,
            tags: .init(pushed: [tag, "main-abc12345"], existing: full ? ["main-latest"] : [],
                        heldBack: full ? [.init(tag: "latest", reason: "v2.0.0 already carries it")] : []),
            pushedAt: Date(timeIntervalSince1970: 1_796_220_000),
            source: full ? .init(commit: "abc12345def", ref: "refs/heads/main", branch: "main", pullRequest: 42) : .init(),
            pipeline: full ? .init(provider: "github-actions", runID: "99", runNumber: "7", runURL: "https://github.com/o/r/actions/runs/99", actor: "octocat") : .init(provider: "local"),
            layerCount: 2, compressedSize: 81_473_676, uncompressedSize: 261_000_000, platforms: ["linux/amd64"],
            sbom: full ? .init(format: "spdx-json", packages: ["deb": 90, "pypi": 12], s3URI: "s3://b/team/app/x.spdx.json") : nil,
            signatureDigest: full ? "sha256:" + String(repeating: "1a", count: 32) : nil, toolVersion: "0.1.0")
    }

    @Test(arguments: [true, false])
    func recordValidatesAgainstItsSchema(full: Bool) throws {
        let directory = try TemporaryDirectory("record")
        try Data(try Self.record(full: full).json()).write(to: URL(fileURLWithPath: directory.file("record.json")))
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); record = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(record)
            bad = dict(record, **{"image-digest": "sha256:xyz"})
            try:
                jsonschema.Draft202012Validator(schema).validate(bad); sys.exit("an invalid record passed")
            except jsonschema.ValidationError:
                pass
            """
        try Tool.check("python3", ["-c", script, Paths.repositoryRoot + "/schemas/push-record.schema.json", directory.file("record.json")])
    }

    @Test func notificationReadsWell() {
        let record = Self.record()
        #expect(RecordNotification.subject(record).count < 100)
        let body = RecordNotification.body(record)
        for part in ["team/app", "main-latest", Self.digest, "abc12345def", "octocat", "https://github.com/o/r/actions/runs/99", "latest (v2.0.0 already carries it)"] {
            #expect(body.contains(part), "\(part)")
        }
        let long = Self.record(tag: String(repeating: "t", count: 128))
        #expect(RecordNotification.subject(long).count < 100)
    }

    /// The test world's four sinks, their AWS resources created with the AWS CLI.
    struct World {
        var delivery: RecordDelivery
        var context: AWSContext
        var queueURL: String
        var eventQueueURL: String
        var home: TemporaryDirectory
        var outbox: TemporaryDirectory
    }

    static func world(createTable: Bool) throws -> World {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("record-home")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let table = "ECRImageLogs-\(suffix)", bucket = "ecr-image-metadata-\(suffix)"
        if createTable { try createRecordTable(table, home: home) }
        try moto.aws(["s3api", "create-bucket", "--bucket", bucket], home: home.path)
        let topic = try moto.aws(["sns", "create-topic", "--name", "ECRImagePushTopic-\(suffix)"], home: home.path)
        let topicARN = (try JSONSerialization.jsonObject(with: topic.stdoutData) as? [String: String])?["TopicArn"] ?? ""
        func queue(_ name: String) throws -> String {
            let created = try moto.aws(["sqs", "create-queue", "--queue-name", name], home: home.path)
            return (try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: String])?["QueueUrl"] ?? ""
        }
        let queueURL = try queue("pushes-\(suffix)"), eventQueueURL = try queue("events-\(suffix)")
        try moto.aws(["sns", "subscribe", "--topic-arn", topicARN, "--protocol", "sqs", "--notification-endpoint",
                      "arn:aws:sqs:us-east-1:123456789012:pushes-\(suffix)"], home: home.path)
        try moto.aws(["events", "create-event-bus", "--name", "releases-\(suffix)"], home: home.path)
        try moto.aws(["events", "put-rule", "--name", "pushes", "--event-bus-name", "releases-\(suffix)", "--event-pattern",
                      #"{"source":["ecr-publish"],"detail-type":["ECR Image Action"],"detail":{"action-type":["PUSH"],"repository-name":["team/app"]}}"#], home: home.path)
        try moto.aws(["events", "put-targets", "--rule", "pushes", "--event-bus-name", "releases-\(suffix)", "--targets",
                      "Id=q,Arn=arn:aws:sqs:us-east-1:123456789012:events-\(suffix)"], home: home.path)
        let context = try AWSContext(environment: AWSEnvironment(variables: moto.environment(home: home.path)))
        let outbox = try TemporaryDirectory("outbox")
        let sinks: [any RecordSink] = [
            DynamoDBSink(client: try context.dynamoDB(), table: table),
            S3Sink(client: try context.s3(), bucket: bucket),
            SNSSink(client: try context.sns(), topicARN: topicARN),
            EventBridgeSink(client: try context.eventBridge(), bus: "releases-\(suffix)"),
        ]
        return World(delivery: RecordDelivery(sinks: sinks, outbox: Outbox(directory: outbox.path)), context: context, queueURL: queueURL,
                     eventQueueURL: eventQueueURL, home: home, outbox: outbox)
    }

    static func createRecordTable(_ table: String, home: TemporaryDirectory) throws {
        try moto.get().aws(["dynamodb", "create-table", "--table-name", table, "--attribute-definitions",
                            "AttributeName=ImageTag,AttributeType=S", "--key-schema", "AttributeName=ImageTag,KeyType=HASH",
                            "--billing-mode", "PAY_PER_REQUEST"], home: home.path)
    }

    static func messages(_ queueURL: String, home: TemporaryDirectory) throws -> [[String: Any]] {
        let received = try moto.get().aws(["sqs", "receive-message", "--queue-url", queueURL, "--max-number-of-messages", "10"], home: home.path)
        return (try JSONSerialization.jsonObject(with: received.stdoutData) as? [String: Any])?["Messages"] as? [[String: Any]] ?? []
    }

    static func names(_ references: [String]) -> [String] { references.map { String($0.prefix { $0 != ":" }) } }

    @Test func deliversToEverySinkAndReadsBack() async throws {
        let moto = try Self.moto.get()
        let world = try Self.world(createTable: true)
        let record = Self.record()
        let result = try await world.delivery.send(record)
        #expect(Self.names(result.delivered) == ["dynamodb", "s3", "sns", "eventbridge"] && result.failed.isEmpty && result.outboxPath == nil)

        let sinks = world.delivery.sinks
        let table = (sinks[0] as! DynamoDBSink).table, bucket = (sinks[1] as! S3Sink).bucket
        let item = try moto.aws(["dynamodb", "get-item", "--table-name", table, "--key", #"{"ImageTag":{"S":"abc12345-20261202140000"}}"#], home: world.home.path)
        let stored = ((try JSONSerialization.jsonObject(with: item.stdoutData) as? [String: Any])?["Item"]) as? [String: [String: Any]]
        #expect(stored?["ImageDigest"]?["S"] as? String == Self.digest)
        #expect(Set(stored?["Tags"]?["SS"] as? [String] ?? []) == ["abc12345-20261202140000", "main-abc12345", "main-latest"])
        #expect(stored?["CompressedSize"]?["N"] as? String == "81473676")
        #expect((stored?["Pipeline"]?["M"] as? [String: [String: String]])?["actor"]?["S"] == "octocat")
        #expect(((stored?["SBOM"]?["M"] as? [String: Any])?["packages"] as? [String: Any]) != nil)

        let out = world.home.file("record.json")
        try moto.aws(["s3api", "get-object", "--bucket", bucket, "--key", "team/app/abc12345-20261202140000.json", out], home: world.home.path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(try record.json()))

        let messages = try Self.messages(world.queueURL, home: world.home)
        #expect(messages.count == 1)
        let events = try Self.messages(world.eventQueueURL, home: world.home)
        #expect(events.count == 1)
        let event = try #require(try (events.first?["Body"] as? String).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])
        #expect((event["detail"] as? [String: Any])?["image-digest"] as? String == Self.digest)

        // The same record again changes nothing and is no error; another digest under the key is refused.
        let repeated = await world.delivery.deliver(record, only: ["dynamodb", "s3"])
        #expect(Self.names(repeated.delivered) == ["dynamodb", "s3"])
        let other = await world.delivery.deliver(Self.record(digest: "sha256:" + String(repeating: "00", count: 32)), only: ["dynamodb"])
        #expect(other.conflicts.count == 1 && other.delivered.isEmpty)
        let again = try moto.aws(["dynamodb", "get-item", "--table-name", table, "--key", #"{"ImageTag":{"S":"abc12345-20261202140000"}}"#], home: world.home.path)
        #expect(again.stdout.contains(Self.digest))
    }

    @Test func failedSinkGoesToTheOutboxAndReplaysExactlyOnce() async throws {
        let world = try Self.world(createTable: false)
        let record = Self.record()
        let result = try await world.delivery.send(record)
        #expect(Self.names(result.failed.map(\.sink)) == ["dynamodb"])
        #expect(Self.names(result.delivered) == ["s3", "sns", "eventbridge"])
        let path = try #require(result.outboxPath)
        let table = (world.delivery.sinks[0] as! DynamoDBSink).table
        #expect(try Outbox(directory: world.outbox.path).entries().map(\.entry.pending) == [["dynamodb:\(table)"]])
        #expect(FileManager.default.fileExists(atPath: path))

        // Before the fault is fixed a replay keeps the entry.
        let outbox = Outbox(directory: world.outbox.path)
        let context = world.context
        let early = try await RecordDelivery.replay(outbox) { try RecordSinkReference.sinks(for: $0, context: context) }
        #expect(early.delivered == 0 && early.remaining == 1)
        // The fault is fixed: the replay delivers the one missing record, a second sends nothing.
        try Self.createRecordTable(table, home: world.home)
        let first = try await RecordDelivery.replay(outbox) { try RecordSinkReference.sinks(for: $0, context: context) }
        #expect(first.delivered == 1 && first.remaining == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        let second = try await RecordDelivery.replay(outbox) { try RecordSinkReference.sinks(for: $0, context: context) }
        #expect(second.delivered == 0 && second.remaining == 0)
        // SNS got exactly one message in all.
        #expect(try Self.messages(world.queueURL, home: world.home).count == 1)
    }

    @Test func replayCommandDeliversWhatTheOutboxHolds() throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("replay-home")
        let outbox = try TemporaryDirectory("replay-outbox")
        let table = "ECRImageLogs-\(UUID().uuidString.prefix(8).lowercased())"
        try Outbox(directory: outbox.path).store(Self.record(), pending: ["dynamodb:\(table)"])
        let environment = moto.environment(home: home.path)
        let missing = try Tool.run(Paths.executable, ["record", "replay", "--outbox", outbox.path], environment: environment, replacingEnvironment: true)
        #expect(missing.status == 7, "\(missing.stdout)\(missing.stderr)")
        #expect(missing.stderr.contains("stay in"))
        SecretScan.check(missing, against: [moto.secretAccessKey])
        try Self.createRecordTable(table, home: home)
        let replayed = try Tool.run(Paths.executable, ["record", "replay", "--outbox", outbox.path], environment: environment, replacingEnvironment: true)
        #expect(replayed.status == 0, "\(replayed.stdout)\(replayed.stderr)")
        #expect(replayed.stdout.contains("1 deliveries, 0 record(s) left"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.path).isEmpty)
        let item = try moto.aws(["dynamodb", "get-item", "--table-name", table, "--key", #"{"ImageTag":{"S":"abc12345-20261202140000"}}"#], home: home.path)
        #expect(item.stdout.contains(Self.digest))
    }
}

extension PushRecordTests {
    /// An outbox entry is input to `record replay`: one that would upload a file from
    /// outside its own copies, or put it under an odd key, is refused and nothing of it is sent.
    @Test(arguments: [
        (path: "/etc/passwd", suffix: ".spdx.json"),
        (path: "FILES/../../secret", suffix: ".spdx.json"),
        (path: "FILES/0.spdx.json", suffix: "/../other.json"),
    ])
    func anEntryNamingAFileOutsideItsCopiesIsRefused(path: String, suffix: String) throws {
        let directory = try TemporaryDirectory("hostile-outbox")
        let sbom = directory.file("sbom.spdx.json")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: sbom))
        let outbox = Outbox(directory: directory.file("box"))
        var settings = Outbox.Settings()
        settings.attachments = [S3Sink.Attachment(suffix: ".spdx.json", path: sbom)]
        let entryPath = try outbox.store(Self.record(), pending: ["s3:bucket"], settings: settings)
        // The stored entry names its own copy, and reads back.
        let stored = try #require(try outbox.entries().first)
        let copy = try #require(stored.entry.settings.attachments?.first)
        #expect(copy.path.hasPrefix(String(entryPath.dropLast(".json".count)) + ".files/"))
        #expect(FileManager.default.contents(atPath: copy.path) == Data("{}".utf8))

        var hostile = stored.entry
        let files = String(entryPath.dropLast(".json".count)) + ".files"
        hostile.settings.attachments = [S3Sink.Attachment(suffix: suffix, path: path.replacingOccurrences(of: "FILES", with: files))]
        try Data(try JSONEncoder().encode(hostile)).write(to: URL(fileURLWithPath: entryPath))
        #expect(throws: RecordError.self) { try outbox.entries() }
    }
}
