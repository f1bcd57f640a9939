import Foundation

/// The settings of one `publish` run after merging, highest first: command-line flags,
/// the environment (`ECR_PUBLISH_*`, and the standard AWS variables the tool reads itself),
/// the config file, the command's defaults. A list from a higher source replaces a lower
/// one's whole. The result is the command line ArgumentParser then parses: each setting
/// from the environment or the file becomes its long flag (`gitops.repo: URL` →
/// `--gitops-repo=URL`), so the command checks and applies it as it would a flag.
struct EffectiveSettings {
    enum Source: Equatable, CustomStringConvertible {
        case flag
        case environment(String)
        case file(path: String, line: Int?)
        case `default`

        var description: String {
            switch self {
            case .flag: return "flag"
            case .environment(let variable): return "environment \(variable)"
            case .file(let path, let line): return "file \(path)\(line.map { ":\($0)" } ?? "")"
            case .default: return "default"
            }
        }
    }

    struct Setting {
        var option: ConfigOption
        /// Empty when unset.
        var values: [String]
        var source: Source
    }

    var settings: [Setting]
    /// The command's arguments with the settings of the environment and file added.
    var arguments: [String]
    /// The config file read, if any.
    var configFile: String?
    /// `ECR_PUBLISH_*` variables that name no setting (a typo, or an option of a newer version).
    var unknownVariables: [String] = []

    /// Variables of the tool's own that are not settings.
    static let reservedVariables: Set<String> = [
        "ECR_PUBLISH_CONFIG", "ECR_PUBLISH_BIN", "ECR_PUBLISH_GIT_USERNAME", "ECR_PUBLISH_GIT_PASSWORD",
        "ECR_PUBLISH_SECRET_LEDGER", "ECR_PUBLISH_TEST_RUN", "ECR_PUBLISH_REALISTIC_CACHE",
    ]

    /// - Parameters:
    ///   - arguments: the command's arguments (after its name).
    ///   - catalog: publish's settings: what the file and the variables may name.
    ///   - command: the settings of the command that runs (publish's, or another command's
    ///     that shares some of its option groups, such as `tags`): only these are applied.
    ///   - parse: parses a command line, throwing the command's error for a bad value
    ///     (each setting from the environment or the file is checked alone, so the error
    ///     can name its variable or line).
    static func resolve(
        arguments: [String], catalog: OptionCatalog, command: OptionCatalog? = nil, environment: [String: String], directory: String,
        parse: ([String]) throws -> Void, message: (any Error) -> String
    ) throws -> EffectiveSettings {
        let command = command ?? catalog
        let given = CommandLineScan(arguments: arguments, catalog: command)
        let configPath = given.configPath ?? environment["ECR_PUBLISH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.fileExists(atPath: directory + "/" + ConfigFile.defaultName) ? ConfigFile.defaultName : nil)
        // Relative paths are the working directory's, and shown as given.
        let file = try configPath.map { path in
            try ConfigFile.load(path: path, opening: path.hasPrefix("/") ? path : directory + "/" + path, catalog: catalog)
        }

        var settings: [Setting] = []
        var added: [String] = []
        for option in command.options where catalog.options.contains(where: { $0.name == option.name && $0.section == option.section }) {
            if let values = given.values[option.name] {
                settings.append(Setting(option: option, values: values, source: .flag))
            } else if let variable = environment[option.environmentVariable], !variable.isEmpty {
                let values = try environmentValues(variable, option: option)
                let source = Source.environment(option.environmentVariable)
                try checkAlone(option, values, source)
                settings.append(Setting(option: option, values: values, source: source))
                added += flags(option, values)
            } else if let standard = option.standardVariables.first(where: { !(environment[$0] ?? "").isEmpty }) {
                // Read by the tool itself, in its own order; the file must not override it.
                settings.append(Setting(option: option, values: [environment[standard] ?? ""], source: .environment(standard)))
            } else if let file, let entry = file.entries[option.name] {
                let source = Source.file(path: file.path, line: entry.line)
                try checkAlone(option, entry.values, source)
                settings.append(Setting(option: option, values: entry.values, source: source))
                added += flags(option, entry.values)
            } else {
                settings.append(Setting(option: option, values: option.defaultValue.map { [$0] } ?? [], source: .default))
            }
        }
        let known = Set(catalog.options.map(\.environmentVariable)).union(reservedVariables)
        let unknown = environment.filter { $0.key.hasPrefix("ECR_PUBLISH_") && !$0.value.isEmpty && !known.contains($0.key) }.keys.sorted()
        return EffectiveSettings(settings: settings, arguments: added + arguments, configFile: file?.path, unknownVariables: unknown)

        /// Parses the setting alone on a minimal command line.
        func checkAlone(_ option: ConfigOption, _ values: [String], _ source: Source) throws {
            var trial = Array(repeating: "IMAGE", count: command.requiredPositionals)
            for required in command.options where required.isRequired && required.name != option.name {
                trial.append("--\(required.name)=x")
            }
            do {
                try parse(trial + flags(option, values))
            } catch {
                let problem = "'\(option.path)': " + message(error).split(separator: "\n").prefix(2).joined(separator: " ")
                switch source {
                case .file(let path, let line): throw ConfigError.invalid(path: path, line: line, message: problem)
                case .environment(let variable): throw ConfigError.environment(variable: variable, message: problem)
                default: throw error
                }
            }
        }
    }

    /// A variable's values: one per line for a repeatable option, `true`/`false` for a flag.
    static func environmentValues(_ text: String, option: ConfigOption) throws -> [String] {
        switch option.kind {
        case .flag:
            guard let value = ["true": "true", "1": "true", "yes": "true", "false": "false", "0": "false", "no": "false"][text.lowercased()] else {
                throw ConfigError.environment(variable: option.environmentVariable, message: "takes true or false")
            }
            return [value]
        case .value where option.isRepeating:
            return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .value:
            return [text]
        }
    }

    /// The command-line form of a setting: `--name=value` per value, `--flag`, `--no-flag`.
    static func flags(_ option: ConfigOption, _ values: [String]) -> [String] {
        switch option.kind {
        case .flag:
            if values == ["true"] { return ["--" + option.name] }
            return option.inversion.map { ["--" + $0] } ?? []
        case .value:
            return values.map { "--\(option.name)=\($0)" }
        }
    }
}

/// What a command line sets: the options it names (with their values) and `--config`.
struct CommandLineScan {
    /// `arguments` without `--config FILE` / `--config=FILE` (before a `--`).
    static func removingConfig(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return kept + arguments[index...] }
            if argument == "--config" {
                index += 2
                continue
            }
            if !argument.hasPrefix("--config=") { kept.append(argument) }
            index += 1
        }
        return kept
    }

    var values: [String: [String]] = [:]
    var configPath: String?

    init(arguments: [String], catalog: OptionCatalog) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            let body = argument.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            var inline: String?
            if let equals = body.firstIndex(of: "=") { inline = String(body[body.index(after: equals)...]) }
            if name == "config" {
                configPath = inline ?? (index < arguments.count ? arguments[index] : nil)
                if inline == nil { index += 1 }
                continue
            }
            guard let option = catalog.option(forArgument: name) else { continue }
            switch option.kind {
            case .flag:
                values[option.name] = [name == option.inversion ? "false" : "true"]
            case .value:
                let value = inline ?? (index < arguments.count ? arguments[index] : "")
                if inline == nil { index += 1 }
                values[option.name] = (option.isRepeating ? values[option.name] ?? [] : []) + [value]
            }
        }
    }
}
