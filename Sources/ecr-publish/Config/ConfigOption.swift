/// A setting of `publish` that the config file and the environment can give: one of the
/// options the command declares, found in its own description (ArgumentParser's tool
/// info), so an option added to the command is a setting with no code here.
///
/// Its section is its option group's title (`GitOps options` → `gitops`, ungrouped options
/// → `publish`); its key the long name without the section's prefix (`--gitops-repo` →
/// `gitops.repo`); its variable `ECR_PUBLISH_` and the long name (`ECR_PUBLISH_GITOPS_REPO`).
struct ConfigOption: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// `--name` alone; `true`/`false` in the file and the environment.
        case flag
        /// `--name VALUE`.
        case value
    }

    /// The long name: `gitops-repo`.
    var name: String
    /// The flag that turns it off, when the command has one: `no-scan-on-push`.
    var inversion: String?
    var section: String
    var key: String
    var kind: Kind
    var isRepeating: Bool
    /// The command's default, as its help shows it.
    var defaultValue: String?
    /// The values an enumerated option takes.
    var allowedValues: [String]?
    /// Required by the command (no default, not optional).
    var isRequired: Bool

    /// `ECR_PUBLISH_GITOPS_REPO`.
    var environmentVariable: String { "ECR_PUBLISH_" + name.uppercased().replacingOccurrences(of: "-", with: "_") }

    /// `gitops.repo`.
    var path: String { "\(section).\(key)" }

    /// Standard variables that the tool reads itself for this setting (the AWS SDKs'):
    /// when one is set, it ranks as environment, above the config file.
    var standardVariables: [String] { Self.standardVariables[name] ?? [] }

    static let standardVariables = [
        "region": ["AWS_REGION", "AWS_DEFAULT_REGION"],
        "profile": ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID"],
    ]

    /// Values that `config show` masks: options whose name says they hold a secret.
    var isSecret: Bool {
        ["token", "password", "passphrase", "secret"].contains { name.hasSuffix($0) }
    }
}

/// The settings of one command, in the order its help lists them.
struct OptionCatalog: Sendable {
    var options: [ConfigOption]
    /// How many positional arguments the command requires.
    var requiredPositionals: Int

    /// Options that are about the command line itself, not settings.
    static let excluded: Set<String> = ["help", "version", "config", "experimental-dump-help", "generate-completion-script"]

    init(command: ToolDescription.Command) {
        let arguments = (command.arguments ?? []).filter { $0.shouldDisplay ?? true }
        requiredPositionals = arguments.filter { $0.kind == .positional && !($0.isOptional ?? true) }.count
        var options: [ConfigOption] = []
        for argument in arguments where argument.kind != .positional {
            guard let name = argument.names?.first(where: { $0.kind == .long })?.name, !Self.excluded.contains(name) else { continue }
            let section = Self.section(title: argument.sectionTitle)
            // `--no-x` next to `--x` in the same group is the inversion of one setting.
            if argument.kind == .flag, name.hasPrefix("no-"),
               let index = options.firstIndex(where: { $0.name == name.dropFirst(3) && $0.kind == .flag && $0.section == section }) {
                options[index].inversion = name
                continue
            }
            let key = name.hasPrefix(section + "-") ? String(name.dropFirst(section.count + 1)) : name
            options.append(ConfigOption(
                name: name, inversion: nil, section: section, key: key, kind: argument.kind == .flag ? .flag : .value,
                isRepeating: argument.isRepeating ?? false, defaultValue: argument.kind == .flag ? "false" : argument.defaultValue,
                allowedValues: argument.allValues, isRequired: !(argument.isOptional ?? true) && argument.defaultValue == nil))
        }
        self.options = options
    }

    /// `GitOps options` → `gitops`; no group → `publish`.
    static func section(title: String?) -> String {
        guard let title, let first = title.split(separator: " ").first else { return "publish" }
        return first.lowercased()
    }

    /// The option a command-line name sets (`--scan-on-push` and `--no-scan-on-push` alike).
    func option(forArgument name: String) -> ConfigOption? {
        options.first { $0.name == name || $0.inversion == name }
    }

    /// Section names, in the order the help first lists them.
    var sections: [String] {
        options.reduce(into: []) { if !$0.contains($1.section) { $0.append($1.section) } }
    }
}
