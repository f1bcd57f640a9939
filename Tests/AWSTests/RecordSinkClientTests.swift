import AWS
import Foundation
import HTTP
import Testing
import TestSupport

/// The clients the push record writes through, against moto with signature checking on, each
/// read back with the AWS CLI: DynamoDB items with their types, S3 objects byte for byte,
/// SNS messages as an SQS subscriber receives them, EventBridge events through a rule.
@Suite(.serialized) struct RecordSinkClientTests {
    static let moto = Result(catching: { try MotoServer() })

    static func context(home: TemporaryDirectory) throws -> AWSContext {
        try AWSContext(environment: AWSEnvironment(variables: try moto.get().environment(home: home.path)))
    }

    @Test func dynamoDBConditionalPutAndTypes() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("ddb")
        try moto.aws(["dynamodb", "create-table", "--table-name", "ECRImageLogs", "--attribute-definitions",
                      "AttributeName=ImageTag,AttributeType=S", "--key-schema", "AttributeName=ImageTag,KeyType=HASH",
                      "--billing-mode", "PAY_PER_REQUEST"], home: home.path)
        let client = try Self.context(home: home).dynamoDB()
        let item: [String: DynamoDBAttributeValue] = [
            "ImageTag": .string("abc12345-20261202140000"), "Digest": .string("sha256:" + String(repeating: "1", count: 64)),
            "Tags": .stringSet(["abc12345-20261202140000", "main-latest"]), "CompressedSize": .integer(1234),
            "Pipeline": .map(["provider": .string("github"), "run": .integer(7)]), "Signed": .bool(true),
        ]
        let condition = "attribute_not_exists(ImageTag) OR Digest = :digest"
        try await client.putItem(table: "ECRImageLogs", item: item, condition: condition, values: [":digest": item["Digest"]!])
        // The same digest again: accepted. Another digest under the same key: refused.
        try await client.putItem(table: "ECRImageLogs", item: item, condition: condition, values: [":digest": item["Digest"]!])
        var other = item
        other["Digest"] = .string("sha256:" + String(repeating: "2", count: 64))
        do {
            try await client.putItem(table: "ECRImageLogs", item: other, condition: condition, values: [":digest": other["Digest"]!])
            Issue.record("a second digest overwrote the record")
        } catch let error as AWSServiceError {
            #expect(error.code == "ConditionalCheckFailedException")
        }
        let read = try moto.aws(["dynamodb", "get-item", "--table-name", "ECRImageLogs", "--key", #"{"ImageTag":{"S":"abc12345-20261202140000"}}"#], home: home.path)
        let object = try JSONSerialization.jsonObject(with: read.stdoutData) as? [String: Any]
        let stored = object?["Item"] as? [String: [String: Any]]
        #expect((stored?["Digest"]?["S"] as? String)?.hasSuffix("1111") == true)
        #expect(Set(stored?["Tags"]?["SS"] as? [String] ?? []) == ["abc12345-20261202140000", "main-latest"])
        #expect(stored?["CompressedSize"]?["N"] as? String == "1234")
        #expect(stored?["Signed"]?["BOOL"] as? Bool == true)
        #expect(try await client.getItem(table: "ECRImageLogs", key: ["ImageTag": .string("abc12345-20261202140000")])?["Pipeline"]
                == .map(["provider": .string("github"), "run": .integer(7)]))
    }

    @Test func s3PutObjectReadBackByteForByte() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("s3")
        try moto.aws(["s3api", "create-bucket", "--bucket", "ecr-image-metadata-123456789012"], home: home.path)
        let client = try Self.context(home: home).s3()
        let record = Array(#"{"schema":"ecr-publish/push-record/v1","tags":["a b","ü"]}"#.utf8)
        // A key with a space is encoded as S3 signs it. (moto miscomputes signatures for keys
        // holding `+` or non-ASCII characters, boto3's as much as ours, so none is tried.)
        try await client.putObject(bucket: "ecr-image-metadata-123456789012", key: "team/app/abc 12345.json", body: .bytes(record), contentType: "application/json")
        let sbom = home.file("sbom.spdx.json")
        let large = (0..<200_000).map { "\"package-\($0)\"" }.joined(separator: ",")
        try "[\(large)]".write(toFile: sbom, atomically: true, encoding: .utf8)
        try await client.putObject(bucket: "ecr-image-metadata-123456789012", key: "team/app/abc12345.spdx.json", body: .file(sbom), contentType: "application/json")
        for (key, expected) in [("team/app/abc 12345.json", Data(record)), ("team/app/abc12345.spdx.json", try Data(contentsOf: URL(fileURLWithPath: sbom)))] {
            let out = home.file("out-\(UUID())")
            let head = try moto.aws(["s3api", "get-object", "--bucket", "ecr-image-metadata-123456789012", "--key", key, out], home: home.path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == expected, "\(key)")
            #expect(head.stdout.contains("application/json"))
        }
    }

    @Test func snsMessageReachesAnSQSSubscriberWithAttributes() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("sns")
        let topic = try moto.aws(["sns", "create-topic", "--name", "ECRImagePushTopic"], home: home.path)
        let topicARN = try #require((try JSONSerialization.jsonObject(with: topic.stdoutData) as? [String: String])?["TopicArn"])
        let queue = try moto.aws(["sqs", "create-queue", "--queue-name", "pushes"], home: home.path)
        let queueURL = try #require((try JSONSerialization.jsonObject(with: queue.stdoutData) as? [String: String])?["QueueUrl"])
        try moto.aws(["sns", "subscribe", "--topic-arn", topicARN, "--protocol", "sqs", "--notification-endpoint",
                      "arn:aws:sqs:us-east-1:123456789012:pushes"], home: home.path)
        let client = try Self.context(home: home).sns()
        let body = "Pushed team/app:abc12345\nDigest: sha256:…\nTags: a, b & c <d>"
        try await client.publish(topicARN: topicARN, subject: "ecr-publish: team/app abc12345", message: body,
                                 attributes: ["repository": "team/app", "tag": "abc12345", "digest": "sha256:1"])
        let received = try moto.aws(["sqs", "receive-message", "--queue-url", queueURL, "--max-number-of-messages", "10"], home: home.path)
        let messages = (try JSONSerialization.jsonObject(with: received.stdoutData) as? [String: Any])?["Messages"] as? [[String: Any]] ?? []
        #expect(messages.count == 1)
        let envelope = try #require(try (messages.first?["Body"] as? String).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])
        #expect(envelope["Message"] as? String == body)
        #expect(envelope["Subject"] as? String == "ecr-publish: team/app abc12345")
        let attributes = envelope["MessageAttributes"] as? [String: [String: String]]
        #expect(attributes?["repository"]?["Value"] == "team/app")
        #expect(attributes?["digest"]?["Value"] == "sha256:1")
    }

    @Test func eventBridgeEventReachesARuleTarget() async throws {
        let moto = try Self.moto.get()
        let home = try TemporaryDirectory("events")
        let queue = try moto.aws(["sqs", "create-queue", "--queue-name", "events"], home: home.path)
        let queueURL = try #require((try JSONSerialization.jsonObject(with: queue.stdoutData) as? [String: String])?["QueueUrl"])
        try moto.aws(["events", "put-rule", "--name", "pushes", "--event-pattern",
                      #"{"source":["ecr-publish"],"detail-type":["ECR Image Action"],"detail":{"action-type":["PUSH"]}}"#], home: home.path)
        try moto.aws(["events", "put-targets", "--rule", "pushes", "--targets", "Id=q,Arn=arn:aws:sqs:us-east-1:123456789012:events"], home: home.path)
        let client = try Self.context(home: home).eventBridge()
        try await client.putEvent(bus: "default", source: "ecr-publish", detailType: "ECR Image Action",
                                  detail: #"{"action-type":"PUSH","repository-name":"team/app","result":"SUCCESS"}"#)
        let received = try moto.aws(["sqs", "receive-message", "--queue-url", queueURL], home: home.path)
        let messages = (try JSONSerialization.jsonObject(with: received.stdoutData) as? [String: Any])?["Messages"] as? [[String: Any]] ?? []
        #expect(messages.count == 1)
        let event = try #require(try (messages.first?["Body"] as? String).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])
        #expect((event["detail"] as? [String: String])?["repository-name"] == "team/app")
    }
}
