import Foundation
import ImageArchive

/// What `publish` tells GitHub Actions when it runs in a workflow step: outputs to the file
/// `GITHUB_OUTPUT` names, a Markdown summary to `GITHUB_STEP_SUMMARY`, and workflow
/// commands (annotations, masks) on standard error, which the runner reads as it reads
/// standard output, so `--json` stays clean. Outside GitHub Actions (no such variables)
/// nothing of this happens.
public struct GitHubActions: Sendable {
    /// `GITHUB_OUTPUT`.
    public var outputFile: String?
    /// `GITHUB_STEP_SUMMARY`.
    public var summaryFile: String?
    /// `GITHUB_ACTIONS=true`: annotations and masks are printed.
    public var printsCommands: Bool
    /// `GITHUB_SERVER_URL`, for links to commits on a GitHub Enterprise server.
    public var serverURL: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        outputFile = value("GITHUB_OUTPUT")
        summaryFile = value("GITHUB_STEP_SUMMARY")
        printsCommands = environment["GITHUB_ACTIONS"] == "true"
        serverURL = value("GITHUB_SERVER_URL")
    }

    /// `::add-mask::` for each secret the run holds, to print before anything else.
    public func masks(_ secrets: [String]) -> [String] {
        guard printsCommands else { return [] }
        return secrets.filter { !$0.isEmpty }.flatMap(GitHubWorkflowCommand.addMask)
    }

    /// A `::warning::` for each tag held back and each warning of the SBOM and GitOps steps.
    public func annotations(for report: PublishReport) -> [String] {
        guard printsCommands else { return [] }
        var messages = (report.push?.tags ?? []).filter { $0.outcome == .heldBack }
            .map { "tag \($0.tag) held back: \($0.reason ?? "")" }
        messages += (report.sbom ?? []).flatMap(\.warnings) + (report.gitops?.warnings ?? [])
        return messages.map { GitHubWorkflowCommand.warning($0) }
    }

    /// The `::error::` for a failed run (its message says what to do), on the file and line
    /// at fault when there is one (a config file).
    public func failureAnnotation(_ message: String, file: String? = nil, line: Int? = nil) -> String? {
        printsCommands ? GitHubWorkflowCommand.error(message, file: file, line: line) : nil
    }

    /// Appends the outputs and the step summary of `report` to their files.
    public func write(_ report: PublishReport) throws {
        if let outputFile {
            try Self.append(GitHubOutputs.encode(GitHubOutputs.values(for: report)), to: outputFile)
        }
        if let summaryFile {
            try Self.append(GitHubStepSummary.markdown(report, serverURL: serverURL), to: summaryFile)
        }
    }

    /// Appends to a file the runner created (or creates it), as its other steps do.
    static func append(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
