import Foundation
import OCI

/// What `sign` and `verify` are pointed at: an image in a registry (`[HOST/]REPOSITORY`
/// with `:TAG` or `@DIGEST`), or, for `verify`, an OCI layout directory written by
/// `publish --no-push` (`DIR/image`, optionally `DIR/image:TAG` or `DIR/image@DIGEST`).
public enum SigningTarget: Equatable, Sendable {
    /// `host` is the registry the reference names, when it names one.
    case registry(host: String?, repository: String, reference: String)
    /// `reference` is a tag or digest; nil: the layout's one image.
    case layout(path: String, reference: String?)

    public init(parsing text: String) throws {
        if let layout = Self.layout(text) {
            self = layout
            return
        }
        guard let parsed = ImageReference(parsing: text) else {
            throw PublishError.invalidOption("'\(text.prefix(200))' is neither an image reference (REPOSITORY:TAG, HOST/REPOSITORY@sha256:…) nor an OCI layout directory")
        }
        let first = text.split(separator: "/").first.map(String.init) ?? ""
        let namesHost = text.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost")
        var repository = parsed.repository
        if !namesHost, repository.hasPrefix("library/"), !text.hasPrefix("library/") { repository.removeFirst("library/".count) }
        guard RepositoryName.isValid(repository) else {
            throw PublishError.invalidOption("'\(repository)' is not a valid repository name")
        }
        guard let reference = parsed.digest?.description ?? parsed.tag else {
            throw PublishError.invalidOption("'\(text.prefix(200))' names no tag or digest: add :TAG or @sha256:…")
        }
        self = .registry(host: namesHost ? parsed.registry : nil, repository: repository, reference: reference)
    }

    /// `PATH`, `PATH:TAG` or `PATH@DIGEST` where PATH is an OCI layout directory.
    private static func layout(_ text: String) -> SigningTarget? {
        if SigningLayoutReader.isLayout(text) { return .layout(path: text, reference: nil) }
        if let at = text.lastIndex(of: "@"), SigningLayoutReader.isLayout(String(text[..<at])) {
            return .layout(path: String(text[..<at]), reference: String(text[text.index(after: at)...]))
        }
        if let colon = text.lastIndex(of: ":"), SigningLayoutReader.isLayout(String(text[..<colon])) {
            return .layout(path: String(text[..<colon]), reference: String(text[text.index(after: colon)...]))
        }
        return nil
    }
}
