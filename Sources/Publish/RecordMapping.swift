import Foundation
import ImageArchive
import OCI
import Record

/// The push record from what the run knows: the report (image, sizes, tags as the push left
/// them), the build and CI context, the SBOM counts. One place, so the record's fields can be
/// traced to their source.
extension PushRecord {
    /// - Parameters:
    ///   - pushedAt: the push's end (the build time for a `--no-push` record, so a dry run with
    ///     `SOURCE_DATE_EPOCH` writes the same record every time).
    ///   - sbom: each image's SBOM (the record counts the largest platform per ecosystem).
    init(report: PublishReport, options: PublishOptions, step: RecordStep, sbom: [SBOMReport], pushedAt: Date) {
        let push = report.push
        let tags: Tags
        if let push {
            tags = Tags(
                pushed: push.tags.filter { $0.outcome == .written }.map(\.tag),
                existing: push.tags.filter { $0.outcome == .alreadyThere }.map(\.tag),
                heldBack: push.tags.filter { $0.outcome == .heldBack }.map { Tags.HeldBack(tag: $0.tag, reason: $0.reason ?? "") })
        } else {
            tags = Tags(pushed: report.tags)  // a dry run: the tags a push would write
        }
        // Each layer once, however many platforms share it.
        var layers: [Digest: PublishReport.Layer] = [:]
        for image in report.images { for layer in image.layers { layers[layer.digest] = layer } }
        let build = step.build, ci = step.ci
        self.init(
            repositoryName: report.repository,
            registry: push?.registry ?? options.destination.registry ?? "localhost",
            imageDigest: report.manifest.digest.description, mediaType: report.manifest.mediaType,
            imageTag: report.tags.first ?? "sha256-" + report.manifest.digest.hex,
            tags: tags, pushedAt: pushedAt,
            source: Source(
                commit: (build.sha ?? ci.sourceCommit).map { $0.lowercased() }.flatMap { $0.allSatisfy(\.isHexDigit) ? $0 : nil },
                ref: ci.ref ?? build.gitTag.map { "refs/tags/\($0)" } ?? build.branch.map { "refs/heads/\($0)" },
                branch: build.branch, pullRequest: build.pullRequest),
            pipeline: Pipeline(
                provider: ci.provider ?? Self.provider(build.source), runID: ci.runID, runNumber: build.runNumber,
                runURL: ci.runURL, actor: ci.actor),
            layerCount: layers.count,
            compressedSize: layers.values.reduce(0) { $0 + $1.size },
            uncompressedSize: layers.values.reduce(0) { $0 + $1.uncompressedSize },
            platforms: report.images.compactMap(\.platform),
            sbom: options.sbom.flatMap { step in
                sbom.isEmpty ? nil : SBOMSummary(
                    format: (step.formats.first ?? .spdxJSON).rawValue,
                    packages: sbom.reduce(into: [:]) { counts, image in counts.merge(image.ecosystems) { max($0, $1) } })
            },
            // Signing: the .sig manifest, and the first image's .att.
            signatureDigest: report.signing?.destinations.first?.signature.manifest.description,
            attestationDigest: report.signing?.destinations.first?.attestations.first?.manifest.description,
            toolVersion: ECRPublishVersion.current)
        if push == nil { result = "DRY_RUN" }
    }

    static func provider(_ source: BuildContext.Source) -> String {
        switch source {
        case .githubActions: return "github-actions"
        case .jenkins: return "jenkins"
        case .gitlab: return "gitlab-ci"
        case .git, .none: return "local"
        }
    }
}
