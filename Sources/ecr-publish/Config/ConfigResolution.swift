import ArgumentParser
import Foundation
import Publish

/// Where `publish` meets its settings: the options it declares (read from its own
/// `--experimental-dump-help` description) and the merge of flags, environment and file.
enum ConfigResolution {
    /// The settings of `publish`, from its declaration.
    static func catalog() throws -> OptionCatalog {
        do {
            _ = try ECRPublish.parseAsRoot(["publish", "--experimental-dump-help"])
        } catch {
            let text = ECRPublish.fullMessage(for: error)
            if let info = try? JSONDecoder().decode(ToolDescription.self, from: Data(text.utf8)) {
                return OptionCatalog(command: info.command)
            }
        }
        throw ConfigError.invalid(path: "publish", line: nil, message: "cannot read the command's own option list")
    }

    /// `publish`'s arguments with the environment's and the config file's settings added.
    static func resolve(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = FileManager.default.currentDirectoryPath
    ) throws -> EffectiveSettings {
        try EffectiveSettings.resolve(
            arguments: arguments, catalog: catalog(), environment: environment, directory: directory,
            parse: { _ = try ECRPublish.Publish.parse($0) }, message: { ECRPublish.Publish.message(for: $0) })
    }

    /// The command line to run: for `publish` (unless help is asked for), its arguments
    /// with the settings of the environment and the config file; others as they are.
    static func commandLine(_ arguments: [String]) throws -> [String] {
        guard arguments.first == "publish",
              !arguments.contains(where: { ["-h", "--help", "--experimental-dump-help"].contains($0) }) else { return arguments }
        let effective = try resolve(Array(arguments.dropFirst()))
        let github = GitHubActions()
        for variable in effective.unknownVariables {
            let message = "\(variable) is set, but publish has no such setting: ignored (see ecr-publish config show)"
            let line = github.printsCommands ? GitHubWorkflowCommand.warning(message) : "warning: " + message
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        return ["publish"] + effective.arguments
    }
}
