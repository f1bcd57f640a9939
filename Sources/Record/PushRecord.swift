import Foundation

/// The record of one push, written by the step itself (schema `schemas/push-record.schema.json`,
/// version 1). Its core keys mirror the detail of EventBridge's "ECR Image Action" event
/// (`repository-name`, `image-digest`, `image-tag`, `action-type`, `result`), so what reads
/// those events reads these records; the rest is what only the build knows.
public struct PushRecord: Codable, Equatable, Sendable {
    public static let schemaVersion = 1

    public struct Tags: Codable, Equatable, Sendable {
        public struct HeldBack: Codable, Equatable, Sendable {
            public var tag: String
            public var reason: String
            public init(tag: String, reason: String) { self.tag = tag; self.reason = reason }
        }
        /// Written by this push.
        public var pushed: [String]
        /// Already pointing at this digest.
        public var existing: [String]
        public var heldBack: [HeldBack]

        public init(pushed: [String], existing: [String] = [], heldBack: [HeldBack] = []) {
            self.pushed = pushed
            self.existing = existing
            self.heldBack = heldBack
        }

        /// Every tag that now names the image.
        public var all: [String] { pushed + existing }

        enum CodingKeys: String, CodingKey { case pushed, existing, heldBack = "held-back" }
    }

    public struct Source: Codable, Equatable, Sendable {
        public var commit: String?
        public var ref: String?
        public var branch: String?
        public var pullRequest: Int?
        public init(commit: String? = nil, ref: String? = nil, branch: String? = nil, pullRequest: Int? = nil) {
            self.commit = commit; self.ref = ref; self.branch = branch; self.pullRequest = pullRequest
        }
        enum CodingKeys: String, CodingKey { case commit, ref, branch, pullRequest = "pull-request" }
    }

    public struct Pipeline: Codable, Equatable, Sendable {
        /// `github-actions`, `jenkins`, `gitlab-ci` or `local`.
        public var provider: String
        public var runID: String?
        public var runNumber: String?
        public var runURL: String?
        public var actor: String?
        public init(provider: String, runID: String? = nil, runNumber: String? = nil, runURL: String? = nil, actor: String? = nil) {
            self.provider = provider; self.runID = runID; self.runNumber = runNumber; self.runURL = runURL; self.actor = actor
        }
        enum CodingKeys: String, CodingKey { case provider, runID = "run-id", runNumber = "run-number", runURL = "run-url", actor }
    }

    public struct SBOMSummary: Codable, Equatable, Sendable {
        /// `spdx-json` or `cyclonedx-json`.
        public var format: String
        /// Packages by ecosystem (`deb`, `pypi`, `npm`, …).
        public var packages: [String: Int]
        public var s3URI: String?
        public init(format: String, packages: [String: Int], s3URI: String? = nil) {
            self.format = format; self.packages = packages; self.s3URI = s3URI
        }
        enum CodingKeys: String, CodingKey { case format, packages, s3URI = "s3-uri" }
    }

    public var schemaVersion = PushRecord.schemaVersion
    public var actionType = "PUSH"
    public var result = "SUCCESS"
    public var repositoryName: String
    public var registry: String
    /// `<registry>/<repository>@<digest>`.
    public var imageURI: String
    public var imageDigest: String
    public var mediaType: String
    /// The primary (immutable) tag; the record's key.
    public var imageTag: String
    public var tags: Tags
    /// UTC, ISO 8601 with seconds: `2026-12-02T14:00:00Z`.
    public var pushedAt: String
    public var source: Source
    public var pipeline: Pipeline
    public var layerCount: Int
    public var compressedSize: Int64
    public var uncompressedSize: Int64
    /// `linux/amd64`, … (one for a single-platform image).
    public var platforms: [String]
    public var sbom: SBOMSummary?
    public var signatureDigest: String?
    public var attestationDigest: String?
    public var toolVersion: String

    public init(
        repositoryName: String, registry: String, imageDigest: String, mediaType: String, imageTag: String, tags: Tags,
        pushedAt: Date, source: Source, pipeline: Pipeline, layerCount: Int, compressedSize: Int64, uncompressedSize: Int64,
        platforms: [String], sbom: SBOMSummary? = nil, signatureDigest: String? = nil, attestationDigest: String? = nil,
        toolVersion: String
    ) {
        self.repositoryName = repositoryName
        self.registry = registry
        self.imageURI = "\(registry)/\(repositoryName)@\(imageDigest)"
        self.imageDigest = imageDigest
        self.mediaType = mediaType
        self.imageTag = imageTag
        self.tags = tags
        self.pushedAt = Self.timestamp(pushedAt)
        self.source = source
        self.pipeline = pipeline
        self.layerCount = layerCount
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.platforms = platforms
        self.sbom = sbom
        self.signatureDigest = signatureDigest
        self.attestationDigest = attestationDigest
        self.toolVersion = toolVersion
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema-version", actionType = "action-type", result
        case repositoryName = "repository-name", registry, imageURI = "image-uri", imageDigest = "image-digest"
        case mediaType = "media-type", imageTag = "image-tag", tags, pushedAt = "pushed-at", source, pipeline
        case layerCount = "layer-count", compressedSize = "compressed-size", uncompressedSize = "uncompressed-size"
        case platforms, sbom, signatureDigest = "signature-digest", attestationDigest = "attestation-digest"
        case toolVersion = "tool-version"
    }

    /// The record as stored in S3 and the outbox: sorted keys, two-space indentation, a final newline.
    public func json() throws -> [UInt8] {
        try RecordJSON.encode(self)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
