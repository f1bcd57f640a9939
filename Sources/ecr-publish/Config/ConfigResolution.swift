import ArgumentParser
import Foundation
import Publish

/// Where `publish` meets its settings: the options it declares (read from its own
/// `--experimental-dump-help` description) and the merge of flags, environment and file.
enum ConfigResolution {
    /// The commands that read the settings, and how each parses its arguments: `publish`,
    /// and `tags`, which shares its tag options (so it prints the tags publish would push).
    static let commands: [String: (parse: @Sendable ([String]) throws -> Void, message: @Sendable (any Error) -> String)] = [
        "publish": ({ _ = try ECRPublish.Publish.parse($0) }, { ECRPublish.Publish.message(for: $0) }),
        "tags": ({ _ = try ECRPublish.Tags.parse($0) }, { ECRPublish.Tags.message(for: $0) }),
    ]

    /// The settings a command declares (publish's are the file's), from its own description.
    static func catalog(_ command: String = "publish") throws -> OptionCatalog {
        do {
            _ = try ECRPublish.parseAsRoot([command, "--experimental-dump-help"])
        } catch {
            let text = ECRPublish.fullMessage(for: error)
            if let info = try? JSONDecoder().decode(ToolDescription.self, from: Data(text.utf8)) {
                var catalog = OptionCatalog(command: info.command)
                // A command's ungrouped options are its own, not publish's.
                if command != "publish" { catalog.options.removeAll { $0.section == "publish" } }
                return catalog
            }
        }
        throw ConfigError.invalid(path: command, line: nil, message: "cannot read the command's own option list")
    }

    /// A command's arguments with the environment's and the config file's settings added.
    static func resolve(
        _ arguments: [String], command: String = "publish", environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = FileManager.default.currentDirectoryPath
    ) throws -> EffectiveSettings {
        guard let parser = commands[command] else { throw ConfigError.invalid(path: command, line: nil, message: "reads no settings") }
        return try EffectiveSettings.resolve(
            arguments: arguments, catalog: catalog(), command: catalog(command), environment: environment, directory: directory,
            parse: parser.parse, message: parser.message)
    }

    /// The command line to run: for `publish` and `tags` (unless help is asked for), their
    /// arguments with the settings of the environment and the config file; others as they are.
    static func commandLine(_ arguments: [String]) throws -> [String] {
        guard let command = arguments.first, commands[command] != nil,
              !arguments.contains(where: { ["-h", "--help", "--experimental-dump-help"].contains($0) }) else { return arguments }
        let effective = try resolve(Array(arguments.dropFirst()), command: command)
        let github = GitHubActions()
        for variable in effective.unknownVariables {
            let message = "\(variable) is set, but publish has no such setting: ignored (see ecr-publish config show)"
            let line = github.printsCommands ? GitHubWorkflowCommand.warning(message) : "warning: " + message
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        // publish declares --config (for its help); another command gets it read here only.
        return [command] + (command == "publish" ? effective.arguments : CommandLineScan.removingConfig(effective.arguments))
    }
}
