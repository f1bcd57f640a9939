import Foundation
import GitOps
import OCI
import StreamIO

/// The GitOps part of the step: pin the published image in the deployment repository.
public struct GitOpsStep: Sendable {
    public var configuration: GitOpsConfiguration
    public var mode: PinMode

    public init(configuration: GitOpsConfiguration, mode: PinMode) {
        self.configuration = configuration
        self.mode = mode
    }

    /// Edits (and unless `dryRun`, commits and pushes); with `patchDirectory`, writes the
    /// diff to `gitops.patch` there.
    public func run(image: ImageReference, tag: String?, digest: Digest, dryRun: Bool, patchDirectory: String?) async throws -> GitOpsResult {
        guard let tag = tag ?? image.tag, !tag.isEmpty || mode == .digest else {
            throw PublishError.invalidOption("--gitops-pin \(mode.rawValue) needs a tag for the image (give --tag)")
        }
        let pin = ImagePin(image: image, tag: tag, digest: digest, mode: mode)
        let configuration = self.configuration
        let result = try await Blocking.run { try GitOpsUpdater(configuration: configuration).update(pin: pin, push: !dryRun) }
        if let patchDirectory {
            try FileManager.default.createDirectory(atPath: patchDirectory, withIntermediateDirectories: true)
            try Data(result.patch.utf8).write(to: URL(fileURLWithPath: patchDirectory + "/gitops.patch"))
        }
        return result
    }
}
