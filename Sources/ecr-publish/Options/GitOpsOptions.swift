import ArgumentParser
import Foundation
import GitOps
import OCI
import Publish

extension PinMode: ExpressibleByArgument {}

/// Where and how to pin the image in the GitOps repository.
struct GitOpsOptions: ParsableArguments {
    @Option(name: .customLong("gitops-repo"), help: ArgumentHelp("The GitOps repository: an https/ssh clone URL or a local path.", valueName: "url|path"))
    var repository: String?

    @Option(name: .customLong("gitops-branch"), help: "Branch to update (default: the repository's default branch).")
    var branch: String?

    @Option(name: .customLong("gitops-push-branch"), help: "Push to this branch instead (for a pull request); it is overwritten.")
    var pushBranch: String?

    @Option(name: .customLong("gitops-file"), help: ArgumentHelp("A file to edit, relative to the repository (repeatable).", valueName: "path"))
    var files: [String] = []

    @Option(name: .customLong("gitops-dir"), help: ArgumentHelp("Without --gitops-file: edit every YAML file under this directory that references the image (default: the whole repository).", valueName: "path"))
    var directory: String?

    @Option(name: .customLong("gitops-pin"), help: "How to write the image: digest, tag or tag+digest.")
    var pin: PinMode = .tagAndDigest

    @Option(name: .customLong("gitops-message"), help: ArgumentHelp(
        "Commit message template; placeholders {repository} {tag} {digest} {image} {commit} {run_url}.", valueName: "template"))
    var message: String?

    @Option(name: .customLong("gitops-author"), help: ArgumentHelp("Commit author and committer.", valueName: "Name <email>"))
    var author: String?

    @Option(name: .customLong("gitops-token-env"), help: ArgumentHelp(
        "Environment variable holding an HTTPS token for the repository (default: GITOPS_TOKEN when set). Never put a token in the URL.",
        valueName: "name"))
    var tokenVariable: String?

    @Option(name: .customLong("gitops-token-user"), help: ArgumentHelp(
        "User name sent with the token (default x-access-token, which GitHub wants; GitLab takes oauth2, Bitbucket x-token-auth).",
        valueName: "name"))
    var tokenUser: String?

    @Option(name: .customLong("gitops-helm-key"), help: ArgumentHelp(
        "A Helm values key path for a role (repeatable): image, registry, repository, tag or digest, e.g. tag=app.image.tag.",
        valueName: "role=path"))
    var helmKeys: [String] = []

    @Option(name: .customLong("gitops-match"), help: ArgumentHelp(
        "A repository whose references the image replaces, registry and repository included (repeatable): nginx, ghcr.io/org/app. Docker Hub short names are normalised (nginx = docker.io/library/nginx).",
        valueName: "ref"))
    var matches: [String] = []

    @Flag(name: .customLong("gitops-kustomize-add"), help: "Add an images: entry to kustomization files that have none for the image.")
    var addKustomizeEntry = false

    @Option(name: .customLong("gitops-flux-policy"), help: ArgumentHelp("The Flux image policy whose setter markers name the image.", valueName: "namespace:name"))
    var fluxPolicy: String?

    @Option(name: .customLong("gitops-attempts"), help: "Push attempts when the branch moves concurrently.")
    var attempts = 5

    @Option(name: .customLong("gitops-workdir"), help: ArgumentHelp("Clone into this directory and keep it (default: a temporary one).", valueName: "dir"))
    var workDirectory: String?

    var isConfigured: Bool { repository != nil }

    /// The step, or nil when no repository is configured.
    func step(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GitOpsStep? {
        guard let repository else {
            if !files.isEmpty || directory != nil || branch != nil || pushBranch != nil {
                throw PublishError.invalidOption("--gitops-* options need --gitops-repo")
            }
            return nil
        }
        var configuration = GitOpsConfiguration(repository: repository)
        configuration.branch = branch
        configuration.pushBranch = pushBranch
        configuration.files = files
        configuration.directory = directory
        if let message { configuration.message = CommitMessage(template: message.replacingOccurrences(of: "\\n", with: "\n")) }
        if let author {
            guard let open = author.lastIndex(of: "<"), author.hasSuffix(">"), open > author.startIndex else {
                throw PublishError.invalidOption("--gitops-author takes \"Name <email>\", not '\(author)'")
            }
            configuration.authorName = author[..<open].trimmingCharacters(in: .whitespaces)
            configuration.authorEmail = String(author[author.index(after: open)..<author.index(before: author.endIndex)])
        }
        let variable = tokenVariable ?? (environment["GITOPS_TOKEN"] != nil ? "GITOPS_TOKEN" : nil)
        if let variable {
            guard let token = environment[variable], !token.isEmpty else {
                throw PublishError.invalidOption("--gitops-token-env \(variable): the variable is not set")
            }
            configuration.token = token
        }
        if let tokenUser {
            guard !tokenUser.isEmpty, !tokenUser.contains(where: { $0.isNewline }) else {
                throw PublishError.invalidOption("--gitops-token-user must be a non-empty single-line name")
            }
            configuration.username = tokenUser
        }
        guard (1...20).contains(attempts) else { throw PublishError.invalidOption("--gitops-attempts must be 1-20") }
        configuration.maxAttempts = attempts
        configuration.workDirectory = workDirectory
        var editOptions = EditOptions()
        editOptions.addKustomizeEntry = addKustomizeEntry
        editOptions.fluxPolicy = fluxPolicy
        for text in matches {
            guard let reference = ImageReference(parsing: text), reference.tag == nil, reference.digest == nil else {
                throw PublishError.invalidOption("--gitops-match takes a repository such as nginx or ghcr.io/org/app, without tag or digest; not '\(text)'")
            }
            editOptions.replacing.append(reference)
        }
        for pair in helmKeys {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let role = HelmKeyRole(rawValue: parts[0]), !parts[1].isEmpty else {
                throw PublishError.invalidOption("--gitops-helm-key takes ROLE=dotted.path with ROLE one of image, registry, repository, tag, digest; not '\(pair)'")
            }
            editOptions.helmKeys[role, default: []].append(parts[1].split(separator: ".").map(String.init))
        }
        configuration.editOptions = editOptions
        let ci = CIEnvironment(environment: environment)
        configuration.sourceCommit = ci.sourceCommit
        configuration.runURL = ci.runURL
        return GitOpsStep(configuration: configuration, mode: pin)
    }
}
