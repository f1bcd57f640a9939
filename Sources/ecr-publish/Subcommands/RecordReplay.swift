import ArgumentParser
import AWS
import Foundation
import Publish
import Record

extension ECRPublish {
    struct RecordCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Push records kept in the outbox.",
            subcommands: [Replay.self])
    }
}

extension ECRPublish.RecordCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the push records of the outbox to the sinks that did not get them.",
            discussion: """
                Each outbox file names the record's pending sinks (table, bucket, topic, event bus), so no \
                sink flags are needed. Delivery is idempotent: a record a sink already has is not written \
                twice, and a file is removed only when every sink has its record. Exits 7 while records remain.
                """)

        @Option(name: .long, help: ArgumentHelp("The outbox directory.", valueName: "dir"))
        var outbox = ".ecr-publish/outbox"

        @Option(name: .long, help: ArgumentHelp("The DynamoDB key attribute for entries that do not name one (default: ImageTag).", valueName: "name"))
        var recordKeyName = "ImageTag"

        @OptionGroup(title: "AWS options")
        var aws: AWSOptions

        func run() async throws {
            var settings = AWSSettings()
            aws.apply(to: &settings)
            let context = try settings.context()
            let box = Outbox(directory: outbox)
            let keyName = recordKeyName
            let (delivered, remaining) = try await RecordDelivery.replay(box) {
                try RecordSinkReference.sinks(for: $0, context: context, keyName: keyName)
            }
            print("record    \(delivered) deliveries, \(remaining) record(s) left in \(outbox)")
            if remaining > 0 { throw RecordReplayIncomplete(outbox: outbox, remaining: remaining) }
        }
    }
}

/// Some records are still in the outbox after a replay.
struct RecordReplayIncomplete: Error, CustomStringConvertible {
    var outbox: String
    var remaining: Int
    var description: String {
        "\(remaining) push record(s) could not be delivered and stay in \(outbox); check the sinks (table, bucket, topic) and the credentials, then replay again"
    }
}
