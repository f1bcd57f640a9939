import Foundation
import Testing
import TestSupport

/// `publish --record…` end to end: the image pushed to the test registry, the record written
/// to DynamoDB, S3, SNS and EventBridge in moto (signature checks on), and read back by
/// boto3 and the AWS CLI, never by our clients.
@Suite(.serialized) struct RecordPublishTests {
    static let image = Paths.fixtureImage("sample-docker-classic.tar")

    /// The GitHub Actions context of a push to main, run 99 by octocat.
    static let github = PublishPushTests.github([
        "GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main", "GITHUB_REF_TYPE": "branch",
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/app", "GITHUB_RUN_ID": "99",
        "GITHUB_ACTOR": "octocat",
    ])

    /// An SQS queue subscribed to a new SNS topic; returns the topic ARN and the queue URL.
    static func subscribedQueue(topic: String, queue: String, home: String) throws -> (topicARN: String, queueURL: String) {
        let moto = try PublishPushTests.world.get().moto
        let created = try moto.aws(["sns", "create-topic", "--name", topic], home: home)
        let topicARN = try #require(try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: String])["TopicArn"] ?? ""
        let queueURL = try Self.queue(queue, home: home)
        try moto.aws(["sns", "subscribe", "--topic-arn", topicARN, "--protocol", "sqs", "--notification-endpoint",
                      "arn:aws:sqs:\(moto.region):\(moto.account):\(queue)"], home: home)
        return (topicARN, queueURL)
    }

    static func queue(_ name: String, home: String) throws -> String {
        let created = try PublishPushTests.world.get().moto.aws(["sqs", "create-queue", "--queue-name", name], home: home)
        return try #require(try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: String])["QueueUrl"] ?? ""
    }

    static func messages(_ queueURL: String, home: String) throws -> [[String: Any]] {
        let received = try PublishPushTests.world.get().moto.aws(
            ["sqs", "receive-message", "--queue-url", queueURL, "--max-number-of-messages", "10", "--wait-time-seconds", "1"], home: home)
        guard !received.stdoutData.isEmpty else { return [] }
        return (try JSONSerialization.jsonObject(with: received.stdoutData) as? [String: Any])?["Messages"] as? [[String: Any]] ?? []
    }

    static func createTable(_ table: String, key: String = "ImageTag", home: String, on moto: MotoServer? = nil) throws {
        try (moto ?? PublishPushTests.world.get().moto).aws(
            ["dynamodb", "create-table", "--table-name", table, "--attribute-definitions", "AttributeName=\(key),AttributeType=S",
             "--key-schema", "AttributeName=\(key),KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST"], home: home)
    }

    /// `s3://bucket/key` read with the AWS CLI into a file; its bytes.
    static func object(_ bucket: String, _ key: String, home: TemporaryDirectory) throws -> Data {
        let file = home.file("object-\(UUID().uuidString)")
        try PublishPushTests.world.get().moto.aws(["s3api", "get-object", "--bucket", bucket, "--key", key, file], home: home.path)
        return try Data(contentsOf: URL(fileURLWithPath: file))
    }

    static func validateAgainstSchema(_ recordFile: String) throws {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); record = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(record)
            """
        try Tool.check("python3", ["-c", script, Paths.repositoryRoot + "/schemas/push-record.schema.json", recordFile])
    }

    /// `--record` with its three defaults (table ECRImageLogs, bucket
    /// ecr-image-metadata-<account>, topic ECRImagePushTopic by name) and an event bus.
    @Test func publishRecordsTheImageInEverySinkAndEachReadsBack() throws {
        let moto = try PublishPushTests.world.get().moto
        let home = try TemporaryDirectory("record-world")
        let bucket = "ecr-image-metadata-\(moto.account)"
        try Self.createTable("ECRImageLogs", home: home.path)
        try moto.aws(["s3api", "create-bucket", "--bucket", bucket], home: home.path)
        let (_, queueURL) = try Self.subscribedQueue(topic: "ECRImagePushTopic", queue: "record-pushes", home: home.path)
        let eventQueueURL = try Self.queue("record-events", home: home.path)
        try moto.aws(["events", "create-event-bus", "--name", "releases"], home: home.path)
        // The pattern README documents: ECR's own rule with its source changed.
        try moto.aws(["events", "put-rule", "--name", "image-pushes", "--event-bus-name", "releases", "--event-pattern",
                      #"{"source":["ecr-publish"],"detail-type":["ECR Image Action"],"detail":{"action-type":["PUSH"],"result":["SUCCESS"],"repository-name":["team/recorded"]}}"#],
                     home: home.path)
        try moto.aws(["events", "put-targets", "--rule", "image-pushes", "--event-bus-name", "releases", "--targets",
                      "Id=q,Arn=arn:aws:sqs:\(moto.region):\(moto.account):record-events"], home: home.path)

        let output = try TemporaryDirectory("record-output")
        let outbox = try TemporaryDirectory("record-outbox")
        let result = try PublishPushTests.push(
            Self.image, repository: "team/recorded",
            ["--tag-scheme", "team", "--output", output.path, "--record", "--record-event-bus", "releases", "--outbox", outbox.path, "--json"],
            environment: Self.github)
        #expect(result.status == 0, "\(result.stderr)")
        let primary = "01234567-20231114221320"
        let digest = try PublishPushTests.localDigest(Self.image)
        let report = try #require(try PublishPushTests.report(result)["record"] as? [String: Any])
        #expect(report["delivered"] as? [String] ?? [] == [
            "dynamodb:ECRImageLogs", "s3:\(bucket)", "sns:arn:aws:sns:\(moto.region):\(moto.account):ECRImagePushTopic", "eventbridge:releases",
        ], "the default bucket and topic are named from the account")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.path).isEmpty, "nothing owed")

        // The record file: what the build knows, valid against the schema.
        let recordFile = output.file("record.json")
        try Self.validateAgainstSchema(recordFile)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recordFile))) as? [String: Any])
        #expect(record["image-digest"] as? String == digest)
        #expect(record["image-tag"] as? String == primary)
        #expect(record["image-uri"] as? String == "\(PublishPushTests.ecrRegistry)/team/recorded@\(digest)")
        #expect(record["result"] as? String == "SUCCESS")
        #expect((record["tags"] as? [String: Any])?["pushed"] as? [String] == [primary, "main-01234567", "main-latest"])
        #expect(record["source"] as? [String: String] == [
            "commit": "0123456789abcdef0123456789abcdef01234567", "ref": "refs/heads/main", "branch": "main",
        ])
        #expect(record["pipeline"] as? [String: String] == [
            "provider": "github-actions", "run-id": "99", "run-number": "1", "run-url": "https://github.com/acme/app/actions/runs/99", "actor": "octocat",
        ])
        #expect(record["layer-count"] as? Int == 3 && record["platforms"] as? [String] == ["linux/amd64"])
        let sbom = try #require(record["sbom"] as? [String: Any])
        #expect(sbom["packages"] as? [String: Int] == ["deb": 3, "npm": 1, "pypi": 1])
        #expect(sbom["s3-uri"] as? String == "s3://\(bucket)/team/recorded/\(primary).spdx.json")

        // DynamoDB, read by boto3: every attribute, with its type and value from the record file.
        let check = """
            import json, sys, boto3
            record = json.load(open(sys.argv[1]))
            item = boto3.client("dynamodb").get_item(TableName="ECRImageLogs", Key={"ImageTag": {"S": sys.argv[2]}})["Item"]
            strings = {"ActionType": "action-type", "Result": "result", "RepositoryName": "repository-name", "Registry": "registry",
                       "ImageURI": "image-uri", "ImageDigest": "image-digest", "MediaType": "media-type", "PrimaryTag": "image-tag",
                       "PushedAt": "pushed-at", "ToolVersion": "tool-version"}
            numbers = {"SchemaVersion": "schema-version", "LayerCount": "layer-count", "CompressedSize": "compressed-size",
                       "UncompressedSize": "uncompressed-size"}
            expected = {"ImageTag": {"S": record["image-tag"]}}
            expected.update({name: {"S": record[key]} for name, key in strings.items()})
            expected.update({name: {"N": str(record[key])} for name, key in numbers.items()})
            tags = record["tags"]
            expected["Tags"] = {"SS": sorted(set(tags["pushed"] + tags["existing"]))}
            expected["TagsPushed"] = {"SS": sorted(tags["pushed"])}
            expected["Platforms"] = {"SS": record["platforms"]}
            source, pipeline, sbom = record["source"], record["pipeline"], record["sbom"]
            expected["Source"] = {"M": {"commit": {"S": source["commit"]}, "ref": {"S": source["ref"]}, "branch": {"S": source["branch"]}}}
            expected["Pipeline"] = {"M": {"provider": {"S": pipeline["provider"]}, "runId": {"S": pipeline["run-id"]},
                                          "runNumber": {"S": pipeline["run-number"]}, "runUrl": {"S": pipeline["run-url"]},
                                          "actor": {"S": pipeline["actor"]}}}
            expected["SBOM"] = {"M": {"format": {"S": sbom["format"]}, "s3Uri": {"S": sbom["s3-uri"]},
                                      "packages": {"M": {k: {"N": str(v)} for k, v in sbom["packages"].items()}}}}
            for value in item.values():
                if "SS" in value: value["SS"] = sorted(value["SS"])
            if item != expected:
                sys.exit("item differs:\\n%s\\nexpected:\\n%s" % (json.dumps(item, sort_keys=True), json.dumps(expected, sort_keys=True)))
            """
        try Tool.check("python3", ["-c", check, recordFile, primary], environment: moto.environment(home: home.path), replacingEnvironment: true)

        // S3: the record byte for byte as DIR/record.json, the SBOM as DIR/sbom.spdx.json, both JSON.
        #expect(try Self.object(bucket, "team/recorded/\(primary).json", home: home) == Data(contentsOf: URL(fileURLWithPath: recordFile)))
        #expect(try Self.object(bucket, "team/recorded/\(primary).spdx.json", home: home)
                == Data(contentsOf: URL(fileURLWithPath: output.file("sbom.spdx.json"))))
        let head = try moto.aws(["s3api", "head-object", "--bucket", bucket, "--key", "team/recorded/\(primary).json"], home: home.path)
        #expect(head.stdout.contains("\"ContentType\": \"application/json\""))

        // SNS: exactly one message, with the attributes filter policies use.
        let messages = try Self.messages(queueURL, home: home.path)
        #expect(messages.count == 1)
        let envelope = try #require(try (messages.first?["Body"] as? String).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])
        let attributes = (envelope["MessageAttributes"] as? [String: [String: String]])?.mapValues { $0["Value"] ?? "" }
        #expect(attributes == ["repository": "team/recorded", "tag": primary, "digest": digest])
        #expect((envelope["Subject"] as? String ?? "").count < 100)
        #expect((envelope["Message"] as? String ?? "").contains("https://github.com/acme/app/actions/runs/99"))

        // EventBridge: the rule's queue got the event, its detail the record.
        let events = try Self.messages(eventQueueURL, home: home.path)
        #expect(events.count == 1)
        let event = try #require(try (events.first?["Body"] as? String).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])
        #expect(event["source"] as? String == "ecr-publish" && event["detail-type"] as? String == "ECR Image Action")
        #expect((event["detail"] as? [String: Any])?["image-digest"] as? String == digest)

        // The same build again: a no-op for DynamoDB (same digest), success.
        let again = try PublishPushTests.push(
            Self.image, repository: "team/recorded", ["--tag-scheme", "team", "--record", "--outbox", outbox.path], environment: Self.github)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("record    ImageTag=\(primary) sent to dynamodb:ECRImageLogs"), "\(again.stdout)")
        // Nothing was written: the item is still the first run's (its tags pushed, not "already there").
        let kept = try moto.aws(["dynamodb", "get-item", "--table-name", "ECRImageLogs", "--key", "{\"ImageTag\":{\"S\":\"\(primary)\"}}"], home: home.path)
        let keptItem = try #require((try JSONSerialization.jsonObject(with: kept.stdoutData) as? [String: Any])?["Item"] as? [String: [String: Any]])
        #expect(Set(keptItem["TagsPushed"]?["SS"] as? [String] ?? []) == [primary, "main-01234567", "main-latest"])
        #expect(keptItem["TagsExisting"] == nil)
    }

    /// The failure drill: the table is missing (and the bucket too, so the SBOM must wait in
    /// the outbox); the image is pushed, the run exits 7 naming the sinks, and a replay after
    /// the fix delivers once. The key is a template under another attribute name, which the
    /// replay takes from the outbox entry.
    @Test func aMissingTableLeavesTheRecordInTheOutboxAndReplayDeliversItOnce() throws {
        let moto = try PublishPushTests.world.get().moto
        let home = try TemporaryDirectory("record-drill")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let table = "drill-\(suffix)", bucket = "drill-\(suffix)"
        let (topicARN, queueURL) = try Self.subscribedQueue(topic: "drill-\(suffix)", queue: "drill-\(suffix)", home: home.path)
        let outbox = try TemporaryDirectory("drill-outbox")
        let result = try PublishPushTests.push(
            Self.image, repository: "team/drill",
            ["--tag", "d1", "--record-table", table, "--record-key-name", "ImageRef", "--record-key-template", "{repository}:{primary}",
             "--record-bucket", bucket, "--record-topic", topicARN, "--outbox", outbox.path],
            environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(result.status == 7, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("dynamodb:\(table)") && result.stderr.contains("s3:\(bucket)") && result.stderr.contains("record replay"),
                "\(result.stderr)")
        let digest = try PublishPushTests.localDigest(Self.image)
        #expect(try PublishPushTests.skopeoDigest("team/drill:d1") == digest, "the image stays pushed")
        #expect(try Self.messages(queueURL, home: home.path).count == 1, "SNS had its message")

        // One entry, owed to the two sinks, with its own copy of the SBOM.
        let names = try FileManager.default.contentsOfDirectory(atPath: outbox.path).sorted()
        #expect(names.count == 2 && names.contains { $0.hasSuffix(".json") } && names.contains { $0.hasSuffix(".files") }, "\(names)")
        let entryPath = outbox.file(try #require(names.first { $0.hasSuffix(".json") }))
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: entryPath))) as? [String: Any])
        #expect(entry["pending"] as? [String] == ["dynamodb:\(table)", "s3:\(bucket)"])
        let settings = try #require(entry["settings"] as? [String: Any])
        #expect(settings["key-name"] as? String == "ImageRef" && settings["key-value"] as? String == "team/drill:d1")
        let attachment = try #require((settings["attachments"] as? [[String: String]])?.first)
        #expect(attachment["suffix"] == ".spdx.json" && attachment["path"]?.hasPrefix(outbox.path) == true)
        let sbom = try Data(contentsOf: URL(fileURLWithPath: try #require(attachment["path"])))
        #expect((try JSONSerialization.jsonObject(with: sbom) as? [String: Any])?["spdxVersion"] as? String == "SPDX-2.3")

        // Fixed: the replay sends the two records owed, the second replay nothing.
        try Self.createTable(table, key: "ImageRef", home: home.path)
        try moto.aws(["s3api", "create-bucket", "--bucket", bucket], home: home.path)
        let environment = moto.environment(home: home.path)
        let first = try Tool.run(Paths.executable, ["record", "replay", "--outbox", outbox.path], environment: environment, replacingEnvironment: true)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("2 deliveries, 0 record(s) left"), "\(first.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.path).isEmpty, "the entry and its files are gone")
        let second = try Tool.run(Paths.executable, ["record", "replay", "--outbox", outbox.path], environment: environment, replacingEnvironment: true)
        #expect(second.status == 0 && second.stdout.contains("0 deliveries, 0 record(s) left"), "\(second.stdout)")

        let item = try moto.aws(["dynamodb", "get-item", "--table-name", table, "--key", #"{"ImageRef":{"S":"team/drill:d1"}}"#], home: home.path)
        let stored = (try JSONSerialization.jsonObject(with: item.stdoutData) as? [String: Any])?["Item"] as? [String: [String: Any]]
        #expect(stored?["ImageDigest"]?["S"] as? String == digest && stored?["PrimaryTag"]?["S"] as? String == "d1")
        #expect(try Self.object(bucket, "team/drill/d1.spdx.json", home: home) == sbom)
        let record = try Self.object(bucket, "team/drill/d1.json", home: home)
        #expect((try JSONSerialization.jsonObject(with: record) as? [String: Any])?["image-digest"] as? String == digest)
        #expect(try Self.messages(queueURL, home: home.path).isEmpty, "no second notification")
        let recordFile = home.file("drill-record.json")
        try record.write(to: URL(fileURLWithPath: recordFile))
        try Self.validateAgainstSchema(recordFile)
    }

    /// A wrong secret: refused before anything is pushed or recorded (exit 4), no outbox.
    @Test func aWrongSecretFailsCleanlyWithNothingHalfWritten() throws {
        let moto = try PublishPushTests.world.get().moto
        let home = try TemporaryDirectory("record-refused")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let table = "refused-\(suffix)", bucket = "refused-\(suffix)"
        try Self.createTable(table, home: home.path)
        try moto.aws(["s3api", "create-bucket", "--bucket", bucket], home: home.path)
        let (topicARN, queueURL) = try Self.subscribedQueue(topic: "refused-\(suffix)", queue: "refused-\(suffix)", home: home.path)
        let outbox = try TemporaryDirectory("refused-outbox")
        let result = try PublishPushTests.push(
            Self.image, repository: "team/refused-record",
            ["--tag", "r1", "--record", "--record-table", table, "--record-bucket", bucket, "--record-topic", topicARN,
             "--outbox", outbox.path + "/box"],
            environment: ["AWS_SECRET_ACCESS_KEY": "wrong-secret-\(suffix)"])
        #expect(result.status == 4, "\(result.stderr)")
        SecretScan.check(result, against: ["wrong-secret-\(suffix)"])
        #expect(!FileManager.default.fileExists(atPath: outbox.path + "/box"))
        let scan = try moto.aws(["dynamodb", "scan", "--table-name", table], home: home.path)
        #expect((try JSONSerialization.jsonObject(with: scan.stdoutData) as? [String: Any])?["Count"] as? Int == 0)
        let objects = try moto.aws(["s3api", "list-objects-v2", "--bucket", bucket], home: home.path)
        #expect(!objects.stdout.contains("\"Key\""))
        #expect(try Self.messages(queueURL, home: home.path).isEmpty)
        let repositories = try moto.aws(["ecr", "describe-repositories"], home: home.path)
        #expect(!repositories.stdout.contains("team/refused-record"), "not even the repository was created")
    }

    /// `--no-push` writes DIR/record.json (a dry run, valid against the schema) and sends nothing.
    @Test func noPushWritesTheRecordFileAndSendsNothing() throws {
        let output = try TemporaryDirectory("record-dry-run")
        let result = try Tool.run(Paths.executable, [
            "publish", Self.image, "--repository", "team/dry", "--no-push", "--output", output.path, "--tag", "v1",
            "--registry", PublishPushTests.ecrRegistry, "--record",
        ], environment: AWSTestEnvironment.clean().merging(["SOURCE_DATE_EPOCH": "1700000000"]) { $1 }, replacingEnvironment: true,
           directory: output.path)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.validateAgainstSchema(output.file("record.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output.file("record.json")))) as? [String: Any])
        #expect(record["result"] as? String == "DRY_RUN" && record["pushed-at"] as? String == "2023-11-14T22:13:20Z")
        #expect((record["image-uri"] as? String)?.hasPrefix("\(PublishPushTests.ecrRegistry)/team/dry@sha256:") == true)
        #expect(!FileManager.default.fileExists(atPath: output.file(".ecr-publish")), "no outbox")
    }

    @Test func recordFlagsAreCheckedBeforeAnythingRuns() throws {
        let output = try TemporaryDirectory("record-flags")
        for (flags, message) in [
            (["--record-kms-key", "alias/x"], "--record-kms-key"),
            (["--record-topic", "ECRImagePushTopic", "--record-key-name", "Key"], "--record-key-name"),
            (["--record", "--record-bucket", "Not_A_Bucket"], "--record-bucket"),
            (["--record", "--record-key-template", "{pr}-{primary}"], "--record-key-template"),
        ] {
            let result = try CLI.publishLocally(Self.image, output: output.path, flags)
            #expect(result.status == 2, "\(flags): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(flags): \(result.stderr)")
        }
    }

    /// A multi-platform image: one SBOM per platform beside the record in S3, each byte for
    /// byte the file under --output and encrypted with the KMS key given; the platforms and
    /// distinct layers counted once.
    @Test func eachPlatformsSBOMGoesBesideTheRecord() throws {
        let moto = try PublishPushTests.world.get().moto
        let home = try TemporaryDirectory("record-multi")
        let bucket = "multi-\(UUID().uuidString.prefix(8).lowercased())"
        try moto.aws(["s3api", "create-bucket", "--bucket", bucket], home: home.path)
        let key = try moto.aws(["kms", "create-key", "--description", "records"], home: home.path)
        let keyID = try #require(((try JSONSerialization.jsonObject(with: key.stdoutData) as? [String: Any])?["KeyMetadata"] as? [String: Any])?["KeyId"] as? String)
        let output = try TemporaryDirectory("record-multi-output")
        let result = try PublishPushTests.push(
            Paths.fixtureImage("multi-arch-oci.tar"), repository: "team/rec-multi",
            ["--tag", "m1", "--output", output.path, "--record-bucket", bucket, "--record-kms-key", keyID, "--outbox", home.file("outbox")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("record    ImageTag=m1 sent to s3:\(bucket)"), "only the sink named: \(result.stdout)")
        #expect(try Self.object(bucket, "team/rec-multi/m1.json", home: home) == Data(contentsOf: URL(fileURLWithPath: output.file("record.json"))))
        for platform in ["linux-amd64", "linux-arm64-v8"] {
            #expect(try Self.object(bucket, "team/rec-multi/m1-\(platform).spdx.json", home: home)
                    == Data(contentsOf: URL(fileURLWithPath: output.file("sbom-\(platform).spdx.json"))), "\(platform)")
        }
        // SSE-KMS under the key given, for the record and each SBOM.
        for object in ["m1.json", "m1-linux-amd64.spdx.json", "m1-linux-arm64-v8.spdx.json"] {
            let head = try moto.aws(["s3api", "head-object", "--bucket", bucket, "--key", "team/rec-multi/\(object)"], home: home.path)
            let fields = try #require(try JSONSerialization.jsonObject(with: head.stdoutData) as? [String: Any])
            #expect(fields["ServerSideEncryption"] as? String == "aws:kms", "\(object): \(head.stdout)")
            #expect((fields["SSEKMSKeyId"] as? String)?.hasSuffix(keyID) == true, "\(object): \(head.stdout)")
        }
        try Self.validateAgainstSchema(output.file("record.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output.file("record.json")))) as? [String: Any])
        #expect(record["platforms"] as? [String] == ["linux/amd64", "linux/arm64/v8"])
        #expect(record["media-type"] as? String == "application/vnd.oci.image.index.v1+json")
        #expect((record["sbom"] as? [String: Any])?["s3-uri"] as? String == "s3://\(bucket)/team/rec-multi/m1-linux-amd64.spdx.json")
        #expect(!FileManager.default.fileExists(atPath: home.file("outbox")))
    }

    /// A hotfix of an older release line: the rolling tags a higher version holds are held
    /// back, and the record (file and DynamoDB item) says which and why.
    @Test func heldBackTagsAreRecordedWithTheirReasons() throws {
        let moto = try PublishPushTests.world.get().moto
        let home = try TemporaryDirectory("record-held")
        let table = "held-\(UUID().uuidString.prefix(8).lowercased())"
        try Self.createTable(table, home: home.path)
        let release = { (version: String, sha: String) in
            PublishPushTests.github(["GITHUB_REF": "refs/tags/\(version)", "GITHUB_REF_NAME": version, "GITHUB_REF_TYPE": "tag", "GITHUB_SHA": sha])
        }
        let flags = ["--tag-scheme", "team", "--record-table", table, "--outbox", home.file("outbox")]
        let first = try PublishPushTests.push(Self.image, repository: "team/rec-held", flags, environment: release("v1.5.0", String(repeating: "a", count: 40)))
        #expect(first.status == 0, "\(first.stderr)")
        let output = try TemporaryDirectory("record-held-output")
        let hotfix = try PublishPushTests.push(Paths.fixtureImage("sample-oci-archive.tar"), repository: "team/rec-held",
                                               flags + ["--output", output.path], environment: release("v1.4.3", String(repeating: "b", count: 40)))
        #expect(hotfix.status == 0, "\(hotfix.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output.file("record.json")))) as? [String: Any])
        let tags = try #require(record["tags"] as? [String: Any])
        #expect(tags["pushed"] as? [String] == ["bbbbbbbb-20231114221320", "v1.4.3", "1.4"])
        let held = try #require(tags["held-back"] as? [[String: String]])
        #expect(held.map { $0["tag"] ?? "" } == ["1", "latest"])
        #expect(held.allSatisfy { $0["reason"]?.contains("v1.5.0 is higher") == true }, "\(held)")
        #expect((record["source"] as? [String: String])?["ref"] == "refs/tags/v1.4.3")

        let item = try moto.aws(["dynamodb", "get-item", "--table-name", table, "--key", #"{"ImageTag":{"S":"bbbbbbbb-20231114221320"}}"#], home: home.path)
        let stored = try #require((try JSONSerialization.jsonObject(with: item.stdoutData) as? [String: Any])?["Item"] as? [String: [String: Any]])
        let list = try #require(stored["TagsHeldBack"]?["L"] as? [[String: [String: [String: String]]]])
        #expect(list.map { $0["M"]?["tag"]?["S"] ?? "" } == ["1", "latest"])
        #expect(list.map { $0["M"]?["reason"]?["S"] ?? "" } == held.map { $0["reason"] ?? "" })
        #expect(Set(stored["Tags"]?["SS"] as? [String] ?? []) == ["bbbbbbbb-20231114221320", "v1.4.3", "1.4"])
    }

    /// Another image under a key the table already holds: refused, never overwritten, the
    /// record sent nowhere else; the image is pushed and the run exits 7.
    @Test func anotherImageUnderATakenKeyIsRefusedAndNothingIsOverwritten() throws {
        let moto = try PublishPushTests.world.get().moto
        let home = try TemporaryDirectory("record-taken")
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let table = "taken-\(suffix)", bucket = "taken-\(suffix)"
        try Self.createTable(table, home: home.path)
        let flags = ["--tag", "same", "--record-table", table, "--outbox", home.file("outbox")]
        let first = try PublishPushTests.push(Self.image, repository: "team/rec-taken", flags)
        #expect(first.status == 0, "\(first.stderr)")
        try moto.aws(["s3api", "create-bucket", "--bucket", bucket], home: home.path)
        let other = Paths.fixtureImage("sample-oci-archive.tar")
        let second = try PublishPushTests.push(other, repository: "team/rec-taken", flags + ["--record-bucket", bucket])
        #expect(second.status == 7, "\(second.stderr)")
        #expect(second.stderr.contains("already records another image under ImageTag=same"), "\(second.stderr)")
        #expect(try PublishPushTests.skopeoDigest("team/rec-taken:same") == PublishPushTests.localDigest(other), "the image is pushed")
        let item = try moto.aws(["dynamodb", "get-item", "--table-name", table, "--key", #"{"ImageTag":{"S":"same"}}"#], home: home.path)
        #expect(item.stdout.contains(try PublishPushTests.localDigest(Self.image)), "the first record stays")
        let objects = try moto.aws(["s3api", "list-objects-v2", "--bucket", bucket], home: home.path)
        #expect(!objects.stdout.contains("\"Key\""), "S3 got nothing")
        #expect(!FileManager.default.fileExists(atPath: home.file("outbox")), "no retry can fix a taken key: nothing in the outbox")
    }

    /// The sinks' server is down at the moment of the push (connection refused after the
    /// retries): the image is pushed, the whole record waits for all three sinks, and once a
    /// server answers again (another moto, found through AWS_ENDPOINT_URL_<SERVICE>) one
    /// replay delivers it to each, once.
    @Test func sinksDownAtPushTimeAreServedByAReplayOnceTheyAnswer() throws {
        let deadPort = try FreePort.pick()
        let down = "http://127.0.0.1:\(deadPort)"
        let outbox = try TemporaryDirectory("down-outbox")
        let topicARN = "arn:aws:sns:us-east-1:123456789012:down-topic"
        let result = try PublishPushTests.push(
            Self.image, repository: "team/rec-down",
            ["--tag", "down1", "--record-table", "down-table", "--record-bucket", "down-bucket", "--record-topic", topicARN, "--outbox", outbox.path],
            environment: ["AWS_ENDPOINT_URL_DYNAMODB": down, "AWS_ENDPOINT_URL_S3": down, "AWS_ENDPOINT_URL_SNS": down])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(try PublishPushTests.skopeoDigest("team/rec-down:down1") == PublishPushTests.localDigest(Self.image))
        let entries = try FileManager.default.contentsOfDirectory(atPath: outbox.path).filter { $0.hasSuffix(".json") }
        #expect(entries.count == 1)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outbox.file(entries.first ?? "")))) as? [String: Any])
        #expect(entry["pending"] as? [String] == ["dynamodb:down-table", "s3:down-bucket", "sns:\(topicARN)"])

        // The sinks answer again: a fresh moto with the table, bucket and topic.
        let sinks = try MotoServer(checkSignatures: false)
        let home = try TemporaryDirectory("down-home")
        try Self.createTable("down-table", home: home.path, on: sinks)
        try sinks.aws(["s3api", "create-bucket", "--bucket", "down-bucket"], home: home.path)
        try sinks.aws(["sns", "create-topic", "--name", "down-topic"], home: home.path)
        let queue = try sinks.aws(["sqs", "create-queue", "--queue-name", "down-queue"], home: home.path)
        let queueURL = (try JSONSerialization.jsonObject(with: queue.stdoutData) as? [String: String])?["QueueUrl"] ?? ""
        try sinks.aws(["sns", "subscribe", "--topic-arn", topicARN, "--protocol", "sqs", "--notification-endpoint",
                       "arn:aws:sqs:us-east-1:123456789012:down-queue"], home: home.path)
        let moto = try PublishPushTests.world.get().moto
        let environment = moto.environment(home: home.path, extra: [
            "AWS_ENDPOINT_URL_DYNAMODB": sinks.endpoint, "AWS_ENDPOINT_URL_S3": sinks.endpoint, "AWS_ENDPOINT_URL_SNS": sinks.endpoint,
        ])
        for expected in ["3 deliveries, 0 record(s) left", "0 deliveries, 0 record(s) left"] {
            let replay = try Tool.run(Paths.executable, ["record", "replay", "--outbox", outbox.path], environment: environment, replacingEnvironment: true)
            #expect(replay.status == 0 && replay.stdout.contains(expected), "\(replay.stdout)\(replay.stderr)")
        }
        let item = try sinks.aws(["dynamodb", "get-item", "--table-name", "down-table", "--key", #"{"ImageTag":{"S":"down1"}}"#], home: home.path)
        #expect(item.stdout.contains(try PublishPushTests.localDigest(Self.image)))
        try sinks.aws(["s3api", "head-object", "--bucket", "down-bucket", "--key", "team/rec-down/down1.spdx.json"], home: home.path)
        try sinks.aws(["s3api", "head-object", "--bucket", "down-bucket", "--key", "team/rec-down/down1.json"], home: home.path)
        let received = try sinks.aws(["sqs", "receive-message", "--queue-url", queueURL, "--max-number-of-messages", "10"], home: home.path)
        #expect(((try? JSONSerialization.jsonObject(with: received.stdoutData)) as? [String: Any])?["Messages"].map { ($0 as? [Any])?.count } == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.path).isEmpty)
    }

    /// The run a record names, from Jenkins' and GitLab's variables (a dry run: what the CI
    /// system says is the same with or without a push).
    @Test(arguments: [
        (["JENKINS_URL": "https://ci.example/", "BUILD_NUMBER": "42", "BUILD_TAG": "jenkins-app-PR-7-42",
          "BUILD_URL": "https://ci.example/job/app/PR-7/42/", "GIT_COMMIT": "89abcdef0123456789abcdef0123456789abcdef",
          "BRANCH_NAME": "PR-7", "CHANGE_ID": "7", "CHANGE_BRANCH": "feature/x", "CHANGE_AUTHOR": "alice"],
         ["provider": "jenkins", "run-id": "jenkins-app-PR-7-42", "run-number": "42", "run-url": "https://ci.example/job/app/PR-7/42/", "actor": "alice"],
         ["commit": "89abcdef0123456789abcdef0123456789abcdef", "branch": "feature/x", "ref": "refs/heads/feature/x", "pull-request": "7"]),
        (["GITLAB_CI": "true", "CI_PIPELINE_ID": "1234", "CI_JOB_URL": "https://gitlab.example/acme/app/-/jobs/99",
          "CI_COMMIT_SHA": "FEDCBA9876543210FEDCBA9876543210FEDCBA98", "CI_COMMIT_REF_NAME": "main", "GITLAB_USER_LOGIN": "bob"],
         ["provider": "gitlab-ci", "run-id": "1234", "run-url": "https://gitlab.example/acme/app/-/jobs/99", "actor": "bob"],
         ["commit": "fedcba9876543210fedcba9876543210fedcba98", "branch": "main", "ref": "refs/heads/main"]),
    ])
    func theRecordNamesTheCIRun(variables: [String: String], pipeline: [String: String], source: [String: String]) throws {
        let output = try TemporaryDirectory("record-ci")
        let result = try Tool.run(Paths.executable, [
            "publish", Self.image, "--repository", "team/ci", "--no-push", "--output", output.path, "--tag", "c1",
        ], environment: AWSTestEnvironment.clean().merging(variables) { $1 }, replacingEnvironment: true, directory: output.path)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.validateAgainstSchema(output.file("record.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output.file("record.json")))) as? [String: Any])
        #expect(record["pipeline"] as? [String: String] == pipeline)
        let found = (record["source"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        #expect(found == source)
        #expect(((record["source"] as? [String: Any])?["pull-request"]).map { $0 is Int } ?? true, "a number")
    }
}
