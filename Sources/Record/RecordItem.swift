import AWS

/// The push record as a DynamoDB item: strings as S, sizes and counts as N, tags as a string
/// set, pipeline, source and SBOM as maps. Empty values are left out (DynamoDB refuses empty
/// sets, and absent reads better than empty in the console).
public enum RecordItem {
    public static func make(_ record: PushRecord, keyName: String, keyValue: String) -> [String: DynamoDBAttributeValue] {
        var item: [String: DynamoDBAttributeValue] = [
            keyName: .string(keyValue),
            "SchemaVersion": .integer(Int64(record.schemaVersion)),
            "ActionType": .string(record.actionType),
            "Result": .string(record.result),
            "RepositoryName": .string(record.repositoryName),
            "Registry": .string(record.registry),
            "ImageURI": .string(record.imageURI),
            "ImageDigest": .string(record.imageDigest),
            "MediaType": .string(record.mediaType),
            "PrimaryTag": .string(record.imageTag),
            "PushedAt": .string(record.pushedAt),
            "LayerCount": .integer(Int64(record.layerCount)),
            "CompressedSize": .integer(record.compressedSize),
            "UncompressedSize": .integer(record.uncompressedSize),
            "ToolVersion": .string(record.toolVersion),
        ]
        func set(_ name: String, _ values: [String]) {
            let unique = Array(Set(values)).sorted()
            if !unique.isEmpty { item[name] = .stringSet(unique) }
        }
        set("Tags", record.tags.all)
        set("TagsPushed", record.tags.pushed)
        set("TagsExisting", record.tags.existing)
        if !record.tags.heldBack.isEmpty {
            item["TagsHeldBack"] = .list(record.tags.heldBack.map { .map(["tag": .string($0.tag), "reason": .string($0.reason)]) })
        }
        set("Platforms", record.platforms)
        item["Source"] = map([
            "commit": record.source.commit.map { .string($0) }, "ref": record.source.ref.map { .string($0) },
            "branch": record.source.branch.map { .string($0) },
            "pullRequest": record.source.pullRequest.map { .integer(Int64($0)) },
        ])
        item["Pipeline"] = map([
            "provider": .string(record.pipeline.provider), "runId": record.pipeline.runID.map { .string($0) },
            "runNumber": record.pipeline.runNumber.map { .string($0) }, "runUrl": record.pipeline.runURL.map { .string($0) },
            "actor": record.pipeline.actor.map { .string($0) },
        ])
        if let sbom = record.sbom {
            item["SBOM"] = map([
                "format": .string(sbom.format), "s3Uri": sbom.s3URI.map { .string($0) },
                "packages": .map(sbom.packages.mapValues { .integer(Int64($0)) }),
            ])
        }
        if let digest = record.signatureDigest { item["SignatureDigest"] = .string(digest) }
        if let digest = record.attestationDigest { item["AttestationDigest"] = .string(digest) }
        return item
    }

    private static func map(_ values: [String: DynamoDBAttributeValue?]) -> DynamoDBAttributeValue? {
        let present = values.compactMapValues { $0 }
        return present.isEmpty ? nil : .map(present)
    }
}
