import Foundation
import OCI
import Registry

/// Writes the tags of a pushed image under the repository's rules, reading every tag first:
/// one that already names the digest is success; one the repository will not move is held
/// back (a rolling tag, with a warning) or stops the run before any tag is written (the
/// primary and given tags, unless `--on-tag-conflict skip`); `latest`, `{major}` and
/// `{major}.{minor}` move only forward.
struct TagPublisher: Sendable {
    let client: RegistryClient
    let repository: String
    let policy: TagPolicy
    let rolling: Set<String>
    /// The release version of this build (from its git tag), for the forward-only rule.
    let version: SemanticVersion?

    func publish(_ tags: [String], top: Descriptor, bytes: [UInt8]) async throws -> [PushResult.Tag] {
        let heldBackByVersion = try await versionHolds(tags)
        var plan: [(tag: String, result: PushResult.Tag?)] = []
        for tag in tags {
            if let reason = heldBackByVersion[tag] {
                plan.append((tag, PushResult.Tag(tag: tag, outcome: .heldBack, reason: reason)))
                continue
            }
            let current = try await client.manifestDigest(tag, in: repository)
            if current == top.digest {
                plan.append((tag, PushResult.Tag(tag: tag, outcome: .alreadyThere)))
            } else if let current, policy.isImmutable(tag) {
                plan.append((tag, try conflict(tag, current: current.description)))
            } else {
                plan.append((tag, nil))
            }
        }
        // Every refusal is known before the first write: no tag moves in a run that fails.
        var results: [PushResult.Tag] = []
        for (tag, decided) in plan {
            if let decided {
                results.append(decided)
                continue
            }
            do {
                try await client.putManifest(top, bytes: bytes, reference: tag, in: repository)
                results.append(PushResult.Tag(tag: tag, outcome: .written))
            } catch RegistryError.tagImmutable(_, _, _, let detail) {
                // Our reading of the repository missed it; the registry's TAG_INVALID decides.
                results.append(try conflict(tag, current: nil, detail: detail))
            }
        }
        return results
    }

    /// A tag that exists and may not move: held back when rolling or when told to skip,
    /// else the run's end.
    private func conflict(_ tag: String, current: String?, detail: String = "") throws -> PushResult.Tag {
        let setting = policy.mutability.rawValue
        let names = current.map { "it names \($0)" } ?? "the registry refused to move it (TAG_INVALID)"
        if rolling.contains(tag) || policy.onConflict == .skip {
            let hint = rolling.contains(tag) ? "; exempt it with a mutability exclusion (IMMUTABLE_WITH_EXCLUSION) to let it move" : ""
            return PushResult.Tag(tag: tag, outcome: .heldBack, reason: "the repository is \(setting) and \(names)\(hint)")
        }
        throw RegistryError.tagImmutable(
            registry: client.host, repository: repository, tag: tag,
            detail: "\(names); tags are \(setting). Use a new tag, or --on-tag-conflict skip to leave it" + (detail.isEmpty ? "" : " (\(detail))"))
    }

    /// The version-rolling tags a higher release already carries, with the reason.
    private func versionHolds(_ tags: [String]) async throws -> [String: String] {
        guard let version, version.prerelease == nil, !policy.forceRollingTags else { return [:] }
        let candidates = ["latest": { (_: SemanticVersion) in true },
                          "\(version.major)": { $0.major == version.major },
                          "\(version.major).\(version.minor)": { $0.major == version.major && $0.minor == version.minor }]
            .filter { tags.contains($0.key) && rolling.contains($0.key) }
        guard !candidates.isEmpty else { return [:] }
        let released = try await client.listTags(in: repository)
            .filter { $0.hasPrefix("v") }
            .compactMap(SemanticVersion.init)
            .filter { $0.prerelease == nil }
        var holds: [String: String] = [:]
        for (tag, sameLine) in candidates {
            if let higher = released.filter({ sameLine($0) && $0 > version }).max() {
                holds[tag] = "v\(higher) is higher than v\(version): \(tag) stays with it (--force-rolling-tags moves it)"
            }
        }
        return holds
    }
}
